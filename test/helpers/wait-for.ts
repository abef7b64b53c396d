import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  /** What is awaited, for the error on timeout ("the sweep to mark the message"); a function is asked then. */
  message: string | (() => string);
  /** How long to keep asking; wide, for a loaded 2-core CI machine. */
  timeoutMs?: number;
  /** The pause between two checks. */
  intervalMs?: number;
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Asks `check` until it gives a truthy value, and returns that value. Past `timeoutMs` it throws an
 * Error naming what was awaited. An error `check` throws ends the wait at once.
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitForOptions): Promise<Truthy<T>> {
  const { timeoutMs = 10_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) {
      const what = typeof options.message === 'function' ? options.message() : options.message;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}
