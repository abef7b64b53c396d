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
      if (yielded || !worthRetrying(err, attempt, policy, signal)) throw err;
      await sleep(policy.baseDelayMs * 2 ** attempt, signal);
    }
  }
}

/** Retries a call (an embedding request) that fails with a retryable error: rate limited, upstream 5xx, connection. */
export async function retryCall<T>(call: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!worthRetrying(err, attempt, policy, signal)) throw err;
      await sleep(policy.baseDelayMs * 2 ** attempt, signal);
    }
  }
}

function worthRetrying(err: unknown, attempt: number, policy: RetryPolicy, signal: AbortSignal | undefined): boolean {
  return err instanceof LlmError && err.retryable && attempt < policy.retries && !signal?.aborted;
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
