import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Writes on one stream follow each other at least this far apart. A 60 Hz display shows a frame
 * every ~16 ms, so no reader sees the difference; a model that streams tokens faster than that
 * needs fewer writes (each a syscall and a chunk for every hop and the client to handle), and every
 * layer does less work per event under load.
 */
export const SSE_WRITE_INTERVAL_MS = 15;

/**
 * Server-Sent Events on a raw response: one JSON object per `data:` line, and a `ping` event while
 * the stream is quiet so proxies keep it open. Events sent during one turn of the event loop (a burst
 * of tokens from one upstream read) leave in one write at the end of the turn: one syscall and one
 * chunk instead of one each. An event that comes sooner than the write interval after the last write
 * waits for the rest of it, with the others that come meanwhile; the first event never waits (its
 * time is the time to first token), nor does the last (end() writes what is pending at once).
 */
export class SseWriter {
  private pinger: NodeJS.Timeout | undefined;
  private pending = '';
  private flushScheduled = false;
  private lastWriteAt = -Infinity;
  private readonly flush = () => {
    this.flushScheduled = false;
    if (this.pending && !this.closed) {
      this.res.write(this.pending);
      this.lastWriteAt = performance.now();
    }
    this.pending = '';
  };

  constructor(
    private readonly res: ServerResponse,
    private readonly pingIntervalMs: number,
    /** 'event': Dify's `event: ping`; 'comment': a `: ping` line, which OpenAI's clients skip. */
    private readonly pingStyle: 'event' | 'comment' = 'event',
    private readonly writeIntervalMs = SSE_WRITE_INTERVAL_MS,
  ) {}

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  open(headers: OutgoingHttpHeaders = {}): void {
    this.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx would otherwise hold the stream back in its buffer.
      'x-accel-buffering': 'no',
    });
    // Not flushed on their own: the headers leave with the first event (or ping), one write instead of two per stream.
    this.schedulePing();
  }

  send(data: object): void {
    if (this.closed) return;
    this.queue(`data: ${JSON.stringify(data)}\n\n`);
    this.schedulePing();
  }

  /** A literal data line, such as OpenAI's closing `[DONE]`. */
  sendRaw(data: string): void {
    if (!this.closed) this.queue(`data: ${data}\n\n`);
  }

  end(): void {
    clearTimeout(this.pinger);
    if (this.closed) return;
    this.res.end(this.pending || undefined);
    this.pending = '';
  }

  private queue(text: string): void {
    this.pending += text;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = this.lastWriteAt + this.writeIntervalMs - performance.now();
    if (wait > 0) setTimeout(this.flush, wait);
    else setImmediate(this.flush);
  }

  /** One timer per stream, pushed back by refresh() on every event (no new timer per token). */
  private schedulePing(): void {
    if (this.pinger) this.pinger.refresh();
    else this.pinger = setTimeout(this.ping, this.pingIntervalMs);
  }

  private readonly ping = () => {
    if (this.closed) return;
    this.queue(this.pingStyle === 'event' ? 'event: ping\n\n' : ': ping\n\n');
    this.pinger!.refresh();
  };
}
