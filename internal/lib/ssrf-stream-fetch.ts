import type { RequestInit as UndiciRequestInit } from 'undici';
import { BlockedRequestError, outboundDispatchers } from './ssrf-dispatcher.js';
import { loadUndici } from './undici-loader.js';

/** fetch's shape, for libraries that take one (the MCP SDK's transports). */
export type GuardedFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * A fetch with the SSRF guard of ssrf-fetch.ts whose answer streams (MCP's event streams stay open):
 * every hop's address checked, redirects followed by hand and checked again, and the bytes of each
 * answer counted against a cap. Time is the caller's to bound (the MCP client times its requests).
 */
export function createGuardedFetch(settings: { allowHosts: readonly string[]; maxBytes: number; maxRedirects?: number }): GuardedFetch {
  const dispatcherFor = outboundDispatchers(settings.allowHosts);
  const maxRedirects = settings.maxRedirects ?? 5;
  return async (input, init = {}) => {
    let url = new URL(String(input));
    for (let hop = 0; ; hop++) {
      const [{ fetch: undiciFetch }, dispatcher] = await Promise.all([loadUndici(), dispatcherFor(url)]);
      const res = await undiciFetch(url, { ...(init as UndiciRequestInit), redirect: 'manual', dispatcher });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        if (hop >= maxRedirects) throw new BlockedRequestError(`more than ${maxRedirects} redirects from ${String(input)}`);
        url = new URL(location, url);
        continue;
      }
      return capped(res as unknown as Response, settings.maxBytes);
    }
  };
}

/** The same answer, erroring once more than `maxBytes` have come through. */
function capped(res: Response, maxBytes: number): Response {
  if (!res.body) return res;
  let seen = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > maxBytes) controller.error(new Error(`the answer is larger than ${maxBytes} bytes`));
      else controller.enqueue(chunk);
    },
  });
  return new Response(res.body.pipeThrough(counter), { status: res.status, statusText: res.statusText, headers: res.headers });
}
