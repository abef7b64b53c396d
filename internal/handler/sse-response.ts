import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SseWriter } from '../../pkg/sse/sse-writer.js';
import { REQUEST_ID_HEADER } from '../middleware/request-id.js';

/** Aborts when the client goes away before the response is complete. */
export function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Takes the response over from Fastify and writes `events` as SSE. Keeps draining after the
 * client leaves, so the producer can still store what happened (a stopped answer, say).
 */
export async function streamEvents(
  req: FastifyRequest,
  reply: FastifyReply,
  events: AsyncIterable<object>,
  pingIntervalMs: number,
  options: { pingStyle?: 'event' | 'comment'; errorEvent?: (message: string) => object; done?: string } = {},
): Promise<void> {
  const sse = new SseWriter(reply.raw, pingIntervalMs, options.pingStyle);
  // Headers hooks already set (CORS) travel along; Fastify's onSend hooks do not run once hijacked.
  const headers = { ...reply.getHeaders(), [REQUEST_ID_HEADER]: req.id } as OutgoingHttpHeaders;
  reply.hijack();
  sse.open(headers);
  try {
    for await (const event of events) sse.send(event);
  } catch (err) {
    req.log.error({ err }, 'event stream failed');
    const message = `internal server error; quote request id ${req.id}`;
    sse.send(options.errorEvent ? options.errorEvent(message) : { event: 'error', status: 500, code: 'internal_error', message });
  } finally {
    if (options.done) sse.sendRaw(options.done);
    sse.end();
  }
}
