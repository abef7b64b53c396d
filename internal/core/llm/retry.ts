import { LlmError, type ChatStreamEvent } from './llm-types.js';

export interface RetryPolicy {
  /** Retries after the first try. */
  retries: number;
  baseDelayMs: number;
}

/**
 * Retries a stream that fails with a retryable error before its first event. Once anything
 * has been yielded the error goes to the caller: repeating the call would repeat the answer.
 */
export async function* retryBeforeFirstEvent(
  start: () => AsyncIterable<ChatStreamEvent>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): AsyncGenerator<ChatStreamEvent> {
  for (let attempt = 0; ; attempt++) {
    let yielded = false;
    try {
      for await (const event of start()) {
        yielded = true;
        yield event;
      }
      return;
    } catch (err) {
      const retryable = err instanceof LlmError && err.retryable;
      if (yielded || !retryable || attempt >= policy.retries || signal?.aborted) throw err;
      await sleep(policy.baseDelayMs * 2 ** attempt, signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
