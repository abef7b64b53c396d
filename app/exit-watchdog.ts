import { Worker } from 'node:worker_threads';

/**
 * Ends the process with SIGKILL after `ms`, from a thread of its own: it fires even when the main
 * thread is stuck in a system call or a busy loop, where no timer or signal handler of the main
 * thread can run any more. The last resort behind the shutdown's own bounds.
 */
export function startExitWatchdog(ms: number, message: string): void {
  const source = `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    setTimeout(() => {
      // An asynchronous write on a libuv thread: a stuck stderr cannot keep the kill from happening.
      fs.write(2, workerData.message, () => undefined);
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 100);
    }, workerData.ms);
  `;
  const line = `${JSON.stringify({ level: 60, time: Date.now() + ms, msg: message })}\n`;
  // stdout/stderr: true keeps the thread's own streams to itself; it writes with fs.write only.
  const worker = new Worker(source, { eval: true, workerData: { ms, message: line }, stdout: true, stderr: true });
  worker.unref();
}
