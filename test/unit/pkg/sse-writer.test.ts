import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SseWriter } from '../../../pkg/sse/sse-writer.js';
import { waitFor } from '../../helpers/wait-for.js';

/** Records what reaches the socket: each write() is one chunk on the wire. */
function recordingResponse() {
  const writes: string[] = [];
  const res = {
    destroyed: false,
    writableEnded: false,
    writeHead: () => res,
    flushHeaders: () => undefined,
    write: (text: string) => writes.push(text),
    end: (text?: string) => {
      if (text) writes.push(text);
      res.writableEnded = true;
    },
  };
  return { res: res as unknown as ServerResponse, writes };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('SseWriter', () => {
  it('writes the events of one turn of the event loop as one chunk, in order', async () => {
    const { res, writes } = recordingResponse();
    const sse = new SseWriter(res, 60_000);
    sse.open();
    sse.send({ n: 1 });
    sse.send({ n: 2 });
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual(['data: {"n":1}\n\ndata: {"n":2}\n\n']);
    sse.send({ n: 3 });
    sse.sendRaw('[DONE]');
    sse.end();
    expect(writes.at(-1)).toBe('data: {"n":3}\n\ndata: [DONE]\n\n');
    sse.end();
  });

  it('writes again no sooner than the write interval after the last write, with what came meanwhile; the end at once', async () => {
    const { res, writes } = recordingResponse();
    const sse = new SseWriter(res, 60_000, 'event', 40);
    sse.open();
    const started = performance.now();
    sse.send({ n: 1 });
    await turn();
    expect(writes).toEqual(['data: {"n":1}\n\n']);
    sse.send({ n: 2 });
    await turn();
    sse.send({ n: 3 });
    await new Promise((r) => setTimeout(r, 10));
    expect(writes).toHaveLength(1);
    await waitFor(() => writes.length >= 2, { message: 'the second write', intervalMs: 5 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    expect(writes[1]).toBe('data: {"n":2}\n\ndata: {"n":3}\n\n');
    // After a quiet while the next event leaves in the same turn again.
    await new Promise((r) => setTimeout(r, 50));
    sse.send({ n: 4 });
    await turn();
    expect(writes).toHaveLength(3);
    sse.send({ n: 5 });
    sse.end();
    expect(writes.at(-1)).toBe('data: {"n":5}\n\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(writes).toHaveLength(4);
  });

  it('pings a quiet stream, and each event pushes the ping back', async () => {
    const { res, writes } = recordingResponse();
    const sse = new SseWriter(res, 30);
    sse.open();
    await new Promise((r) => setTimeout(r, 20));
    sse.send({ n: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(writes.join('')).not.toContain('ping');
    await new Promise((r) => setTimeout(r, 40));
    expect(writes.join('')).toContain('event: ping\n\n');
    sse.end();
  });
});
