import type { ServerProcess } from './server-process.js';

/** Sends `signal` and measures how long the process takes to be gone. */
export async function signalAndTime(proc: Pick<ServerProcess, 'child' | 'exited'>, signal: NodeJS.Signals = 'SIGTERM') {
  const started = Date.now();
  proc.child.kill(signal);
  const code = await proc.exited;
  return { code, signal: proc.child.signalCode, ms: Date.now() - started };
}
