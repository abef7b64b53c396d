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
  const errorEvent = (status: number, code: string, message: string) =>
    options.errorEvent ? options.errorEvent(message) : { event: 'error', status, code, message };
  // On a shutdown cut, a producer that does not end its stream itself within the grace period
  // (a chat ends its own, storing the answer as interrupted) gets it ended for it.
  const cut = afterShutdown(req.server.streamsShutdown, () => {
    sse.send(errorEvent(503, 'server_shutting_down', 'the server is shutting down; the stream was cut'));
    sse.end();
  });
  try {
    for await (const event of events) sse.send(event);
  } catch (err) {
    req.log.error({ err }, 'event stream failed');
    sse.send(errorEvent(500, 'internal_error', `internal server error; quote request id ${req.id}`));
  } finally {
    cut.dispose();
    if (options.done) sse.sendRaw(options.done);
    sse.end();
  }
}

/** How long a producer gets, once the shutdown cuts, to end its stream by itself. */
const SHUTDOWN_GRACE_MS = 1_000;

/** Runs `then` a grace period after `signal` fires, unless disposed first. */
function afterShutdown(signal: AbortSignal, then: () => void): { dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    timer = setTimeout(then, SHUTDOWN_GRACE_MS);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}
