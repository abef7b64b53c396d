import type { ServerProcess } from './server-process.js';

/** Sends `signal` and measures how long the process takes to be gone. */
export async function signalAndTime(proc: Pick<ServerProcess, 'child' | 'exited'>, signal: NodeJS.Signals = 'SIGTERM') {
  const started = Date.now();
  proc.child.kill(signal);
  const code = await proc.exited;
  return { code, signal: proc.child.signalCode, ms: Date.now() - started };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
