import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError, type SandboxGroup, type SandboxJob, type SandboxLimits, type SandboxReply } from './sandbox-types.js';

interface Slot {
  worker: ChildProcess;
  /** Starting (loading its interpreters) or running a job. */
  busy: boolean;
}

/** Longest a new sandbox may take to load its interpreters (a busy machine is slow to start processes). */
const START_TIMEOUT_MS = 60_000;
/** How often a running job's memory is looked at. */
const MEMORY_CHECK_MS = 100;
const PAGE_BYTES = 4096;

/** The project's root, from this file in `internal/core/sandbox` or its build in `dist/internal/core/sandbox`. */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, import.meta.url.endsWith('.ts') ? '../../..' : '../../../..');
/** The compiled worker: it runs plain JavaScript (the tests build it too), so it needs no loader and may read only its own code. */
const WORKER = path.join(root, 'dist', 'internal', 'core', 'sandbox', 'sandbox-worker.js');

/** Resident memory of a process, from /proc (Linux); undefined where that cannot be read. */
async function residentBytes(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    return Number((await readFile(`/proc/${pid}/statm`, 'utf8')).split(' ')[1]) * PAGE_BYTES;
  } catch {
    return undefined;
  }
}

interface Waiting {
  job: SandboxJob;
  signal: AbortSignal | undefined;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/**
 * Processes that run users' code and templates, started at the first job and then kept warm, one
 * job per process at a time. A job past its time is ended with its process (which is replaced), so
 * a runaway loop or a heap blown up costs one sandbox, never the server; each has a capped heap and
 * an empty environment (no secrets to read).
 */
export class SandboxPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Waiting[] = [];
  private closed = false;

  constructor(
    private readonly limits: SandboxLimits,
    private readonly group: SandboxGroup,
  ) {}

  /** Starts a sandbox ahead of the first job, so that job does not wait for it. */
  warm(): void {
    if (!this.closed && this.slots.length === 0) this.start();
  }

  run(job: SandboxJob, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) return Promise.reject(new SandboxError('the sandbox is shut down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, signal, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.queue.splice(0)) waiting.reject(new SandboxError('the sandbox is shut down'));
    for (const slot of this.slots.splice(0)) slot.worker.kill('SIGKILL');
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.busy);
      if (!slot) {
        if (this.slots.length < this.limits.poolSize) this.start();
        return;
      }
      const waiting = this.queue.shift()!;
      if (waiting.signal?.aborted) {
        waiting.reject(new SandboxError('stopped'));
        continue;
      }
      this.execute(slot, waiting);
    }
  }

  /**
   * A new sandbox, busy until it says it has loaded its interpreters: a job's time limit counts its
   * own run, never a process start (which is slow on a loaded machine).
   */
  private start(): void {
    const slot: Slot = { worker: this.spawn(), busy: true };
    this.slots.push(slot);
    const leave = () => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
    };
    let ready = false;
    const timer = setTimeout(() => slot.worker.kill('SIGKILL'), START_TIMEOUT_MS);
    const onReady = (message: unknown) => {
      if ((message as { ready?: boolean })?.ready !== true) return;
      clearTimeout(timer);
      slot.worker.off('message', onReady);
      ready = true;
      this.failedStarts = 0;
      slot.busy = false;
      this.dispatch();
    };
    slot.worker.on('message', onReady);
    // A sandbox that dies (while starting, or between jobs) leaves the pool; waiting jobs start another.
    slot.worker.once('exit', () => {
      clearTimeout(timer);
      leave();
      // One that never got ready failed to start: after a few in a row, waiting jobs fail instead of retrying forever.
      if (!ready && ++this.failedStarts >= 3) {
        for (const waiting of this.queue.splice(0)) waiting.reject(new SandboxError('the sandbox could not start'));
        return;
      }
      if (!this.closed && this.queue.length > 0) this.dispatch();
    });
  }

  private failedStarts = 0;

  private execute(slot: Slot, waiting: Waiting): void {
    slot.busy = true;
    const { worker } = slot;
    let settled = false;
    const finish = (outcome: { value: unknown } | { error: Error }, replace: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      waiting.signal?.removeEventListener('abort', onAbort);
      if (replace) {
        worker.kill('SIGKILL');
        const index = this.slots.indexOf(slot);
        if (index >= 0) this.slots.splice(index, 1);
      } else slot.busy = false;
      if ('error' in outcome) waiting.reject(outcome.error);
      else waiting.resolve(outcome.value);
      if (!this.closed) this.dispatch();
    };
    const onMessage = (reply: SandboxReply) => finish(reply.ok ? { value: reply.value } : { error: new SandboxError(reply.error) }, false);
    const onError = (err: Error) => finish({ error: new SandboxError(`the sandbox failed: ${err.message}`) }, true);
    // A heap past its cap ends the process with a V8 abort.
    const onExit = () => finish({ error: new SandboxError('the code ran out of memory, or its sandbox stopped') }, true);
    const onAbort = () => finish({ error: new SandboxError('stopped') }, true);
    // Memory an interpreter does not cap itself (Python's grows its WebAssembly heap) is watched from here.
    const budget = this.limits.memoryMb * 1024 * 1024;
    let baseline: number | undefined;
    void residentBytes(worker.pid).then((bytes) => (baseline = bytes));
    const watch = setInterval(() => {
      void residentBytes(worker.pid).then((bytes) => {
        if (bytes !== undefined && baseline !== undefined && bytes - baseline > budget) {
          finish({ error: new SandboxError('the code ran out of memory') }, true);
        }
      });
    }, MEMORY_CHECK_MS);
    // The interpreter stops itself at the deadline; the grace period covers a thread stuck outside it.
    const timer = setTimeout(
      () => finish({ error: new SandboxError('the code ran past its time limit') }, true),
      this.limits.timeoutMs + 1_000,
    );
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    waiting.signal?.addEventListener('abort', onAbort, { once: true });
    worker.send(waiting.job);
  }

  private spawn(): ChildProcess {
    const child = fork(WORKER, [], {
      execArgv: [
        `--max-old-space-size=${Math.max(this.limits.memoryMb, 32)}`,
        '--experimental-permission',
        `--allow-fs-read=${path.join(root, 'dist')}${path.sep}`,
        `--allow-fs-read=${path.join(root, 'node_modules')}${path.sep}`,
        '--no-warnings',
      ],
      env: {
        SANDBOX_TIMEOUT_MS: String(this.limits.timeoutMs),
        SANDBOX_MEMORY_MB: String(this.limits.memoryMb),
        SANDBOX_GROUP: this.group,
      },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
    });
    child.unref();
    child.channel?.unref();
    return child;
  }
}
