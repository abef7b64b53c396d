import type { Dispatcher } from 'undici';
import { BlockedRequestError, outboundDispatchers } from './ssrf-dispatcher.js';
import { loadUndici } from './undici-loader.js';

export { BlockedRequestError } from './ssrf-dispatcher.js';

/**
 * The one way the server fetches a URL a user gave it (tools, OpenAPI documents, MCP servers,
 * remote images, workflow HTTP nodes). Names are resolved once, inside the connection, and every
 * address they resolve to must be public: the socket connects to the address that was checked, so a
 * name that answers differently the second time (DNS rebinding) gains nothing. Redirects are
 * followed by hand, each hop checked again; time and response size are capped.
 */
export interface SafeFetchSettings {
  /** `host` or `host:port` entries reached without the address check (an operator's own services, the tests' fakes). */
  allowHosts: readonly string[];
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
}

export interface SafeRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Narrower than the settings' cap, for callers that want less. */
  maxBytes?: number;
}

export interface SafeResponse {
  status: number;
  /** Where the answer finally came from, after redirects. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
}

export type SafeFetch = (url: string, init?: SafeRequest) => Promise<SafeResponse>;

/** The fetch failed (timeout, too large, connection refused, bad URL); the message says which. */
export class OutboundRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboundRequestError';
  }
}

export function createSafeFetch(settings: SafeFetchSettings): SafeFetch {
  const dispatcherFor = outboundDispatchers(settings.allowHosts);
  const maxRedirects = settings.maxRedirects ?? 5;

  return async function safeFetch(input, init = {}) {
    const deadline = AbortSignal.timeout(settings.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const cap = Math.min(init.maxBytes ?? settings.maxBytes, settings.maxBytes);
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new OutboundRequestError(`not a valid URL: ${input}`);
    }
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    for (let hop = 0; ; hop++) {
      const dispatcher = await dispatcherFor(url);
      const { request } = await loadUndici();
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, { method: method as Dispatcher.HttpMethod, headers: init.headers, body, signal, dispatcher });
      } catch (err) {
        throw outboundError(err, url, signal, deadline, settings.timeoutMs);
      }
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
        await res.body.dump();
        if (hop >= maxRedirects) throw new OutboundRequestError(`more than ${maxRedirects} redirects from ${input}`);
        url = new URL(location, url);
        // As browsers do: 303 always, and 301/302 after a POST, continue as a GET without the body.
        if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      const bytes = await readCapped(res, cap, url, signal, deadline, settings.timeoutMs);
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: res.statusCode, url: url.href, headers, body: bytes, text: () => bytes.toString('utf8') };
    }
  };
}

async function readCapped(
  res: Dispatcher.ResponseData,
  cap: number,
  url: URL,
  signal: AbortSignal,
  deadline: AbortSignal,
  timeoutMs: number,
): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (declared > cap) {
    discard(res);
    throw new OutboundRequestError(`the answer of ${url.host} is larger than ${cap} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > cap) {
        discard(res);
        throw new OutboundRequestError(`the answer of ${url.host} is larger than ${cap} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof OutboundRequestError) throw err;
    throw outboundError(err, url, signal, deadline, timeoutMs);
  }
  return Buffer.concat(chunks);
}

function outboundError(err: unknown, url: URL, signal: AbortSignal, deadline: AbortSignal, timeoutMs: number): Error {
  for (let cause: unknown = err; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof BlockedRequestError) return cause;
  }
  if (deadline.aborted) return new OutboundRequestError(`${url.host} did not answer within ${timeoutMs} ms`, { cause: err });
  if (signal.aborted) return new OutboundRequestError('the request was cancelled', { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new OutboundRequestError(`could not reach ${url.host}: ${message}`, { cause: err });
}

/** Drops an answer without reading it; the abort that follows is expected, not an error. */
function discard(res: Dispatcher.ResponseData): void {
  res.body.on('error', () => undefined);
  res.body.destroy();
}

/**
 * A document a user pointed the server at (an OpenAPI file, a DSL file): its text, or why it could not
 * be read (refused by the guard, unreachable, too large, an error status) as one sentence for them.
 */
export async function fetchDocument(
  fetch: SafeFetch,
  url: string,
  init: Pick<SafeRequest, 'signal' | 'headers' | 'maxBytes'>,
): Promise<{ text: string } | { problem: string }> {
  try {
    const res = await fetch(url, init);
    if (res.status >= 400) return { problem: `${new URL(res.url).host} answered ${res.status}` };
    return { text: res.text() };
  } catch (err) {
    if (err instanceof BlockedRequestError || err instanceof OutboundRequestError) return { problem: err.message };
    throw err;
  }
}
