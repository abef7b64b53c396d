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
  const iterator = events[Symbol.asyncIterator]();
  const cut = shutdownCut(req.server.streamsShutdown);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), cut.promise]);
      if (next === CUT) {
        // A producer that ends itself on shutdown (a chat stores its answer as interrupted) has had its grace period.
        sse.send(errorEvent(503, 'server_shutting_down', 'the server is shutting down; the stream was cut'));
        void iterator.return?.(undefined);
        break;
      }
      if (next.done) break;
      sse.send(next.value);
    }
  } catch (err) {
    req.log.error({ err }, 'event stream failed');
    sse.send(errorEvent(500, 'internal_error', `internal server error; quote request id ${req.id}`));
  } finally {
    cut.dispose();
    if (options.done) sse.sendRaw(options.done);
    sse.end();
  }
}

const CUT = Symbol('cut');
/** How long a producer gets, once the shutdown cuts, to end its stream by itself. */
const SHUTDOWN_GRACE_MS = 1_000;

/** Resolves with CUT a grace period after `signal` fires. */
function shutdownCut(signal: AbortSignal): { promise: Promise<typeof CUT>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => undefined as void;
  const promise = new Promise<typeof CUT>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve(CUT), SHUTDOWN_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return {
    promise,
    dispose: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}
