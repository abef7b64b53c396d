import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Dispatcher } from 'undici';
import { ChunkReader, type StreamedChunk } from './chunk-reader.js';
import { LlmError } from './llm-types.js';
import { loadUndici } from '../../lib/undici-loader.js';

export interface StreamOptions {
  apiKey: string;
  /** Longest wait for the response to start, and then between two chunks. */
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * A streaming chat completion, as lean as the hot path needs: undici's request (Node streams, no
 * WHATWG stream per chunk) and eventsource-parser, yielding the text of text-only chunks (a read's
 * joined) and any other chunk whole. Errors come out as LlmError, classified as the SDK's are (see
 * toLlmError in openai-compatible-provider.ts), so callers cannot tell the two apart.
 */
export async function* streamChatCompletion(url: string, body: object, options: StreamOptions): AsyncGenerator<StreamedChunk> {
  // undici's own timeouts tick in half-second steps; this timer is exact, and refresh() re-arms it cheaply.
  const controller = new AbortController();
  let timedOut: 'headers' | 'body' | undefined;
  let phase: 'headers' | 'body' = 'headers';
  const idle = setTimeout(() => {
    timedOut = phase;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = () => controller.abort();
  if (options.signal.aborted) controller.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  let res: Dispatcher.ResponseData | undefined;
  let complete = false;
  try {
    try {
      const { request } = await loadUndici();
      res = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          // Local servers (Ollama, vLLM) take no key.
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal: controller.signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
    } catch (err) {
      throw streamError(err, options.signal, timedOut, options.timeoutMs, false);
    }
    phase = 'body';
    idle.refresh();
    if (res.statusCode >= 400) {
      const text = await res.body.text().catch(() => '');
      complete = true;
      throw httpStatusError(res.statusCode, errorMessageOf(text));
    }
    const pending: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => pending.push(event) });
    const reader = new ChunkReader();
    // A character may be split across two reads.
    const decoder = new TextDecoder();
    try {
      for await (const bytes of res.body as AsyncIterable<Buffer>) {
        idle.refresh();
        parser.feed(decoder.decode(bytes, { stream: true }));
        // Text that arrived in one read goes on as one piece: no token waits for another, and under
        // load, when reads carry several, every layer above handles (and the client gets) one event for them.
        let text = '';
        for (let i = 0; i < pending.length; i++) {
          const data = pending[i]!.data;
          // Read on to the end after [DONE]: a response read whole keeps its connection for the next call.
          const chunk = data === '[DONE]' ? undefined : reader.read(data);
          if (chunk === undefined) continue;
          if (typeof chunk === 'string') {
            text += chunk;
            continue;
          }
          if (text) yield text;
          text = '';
          yield chunk;
        }
        pending.length = 0;
        if (text) yield text;
      }
      complete = true;
    } catch (err) {
      throw streamError(err, options.signal, timedOut, options.timeoutMs, true);
    }
    if (options.signal.aborted) throw new LlmError('aborted', 'the request was stopped');
  } finally {
    clearTimeout(idle);
    options.signal.removeEventListener('abort', onAbort);
    // Leaving early (a stop, a disconnect, an error) must end the upstream request too.
    if (!complete) controller.abort();
  }
}

function streamError(
  err: unknown,
  caller: AbortSignal,
  timedOut: 'headers' | 'body' | undefined,
  timeoutMs: number,
  started: boolean,
): LlmError {
  if (err instanceof LlmError) return err;
  if (caller.aborted) return new LlmError('aborted', 'the request was stopped');
  if (timedOut === 'headers') return new LlmError('timeout', 'the model provider did not answer in time');
  if (timedOut === 'body') return new LlmError('timeout', `the model sent nothing for ${timeoutMs} ms`);
  if (started) return new LlmError('connection', "the model provider's stream broke off");
  return new LlmError('connection', 'cannot reach the model provider; check its base URL and that it is running');
}

/** An upstream's HTTP error status as the user can act on it. */
export function httpStatusError(status: number, upstreamMessage: string): LlmError {
  const detail = upstreamMessage ? `: ${upstreamMessage.slice(0, 300)}` : '';
  if (status === 401 || status === 403) return new LlmError('unauthorized', `the model provider refused the API key${detail}`, status);
  if (status === 429) return new LlmError('rate_limited', `the model provider is rate limiting requests${detail}`, status);
  if (status >= 500) return new LlmError('upstream', `the model provider failed (${status})${detail}`, status);
  return new LlmError('bad_request', `the model provider rejected the request (${status})${detail}`, status);
}

function errorMessageOf(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message : '';
  } catch {
    return '';
  }
}
