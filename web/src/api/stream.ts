import { EventSourceParserStream } from 'eventsource-parser/stream';
import { ApiError, authHeaders } from './client';

/** One event of a chat or workflow stream (Dify's names: message, message_end, agent_thought, error, ...). */
export interface StreamEvent {
  event: string;
  [field: string]: unknown;
}

/**
 * POSTs and yields each server-sent event as it arrives. The caller's signal ends the request
 * (the server then stops the answer too); an `error` event arrives like any other.
 */
export async function* postEvents(url: string, body: unknown, signal?: AbortSignal, headers: Record<string, string> = authHeaders()) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || !response.body) {
    const failure = (await response.json().catch(() => ({}))) as { message?: string; code?: string };
    throw new ApiError(failure.message ?? `HTTP ${response.status}`, response.status, failure.code ?? 'fail');
  }
  const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const message of events) {
    if (!message.data) continue;
    yield JSON.parse(message.data) as StreamEvent;
  }
}
