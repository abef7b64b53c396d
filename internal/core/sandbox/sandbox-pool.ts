import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SandboxError, type SandboxJob, type SandboxLimits, type SandboxReply } from './sandbox-types.js';

interface Slot {
  worker: ChildProcess;
  busy: boolean;
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

  constructor(private readonly limits: SandboxLimits) {}

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
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.limits.poolSize) {
        const fresh: Slot = { worker: this.spawn(), busy: false };
        // A sandbox that dies between jobs leaves the pool; the next job starts another.
        fresh.worker.once('exit', () => {
          const index = this.slots.indexOf(fresh);
          if (index >= 0) this.slots.splice(index, 1);
        });
        this.slots.push(fresh);
        slot = fresh;
      }
      if (!slot) return;
      const waiting = this.queue.shift()!;
      if (waiting.signal?.aborted) {
        waiting.reject(new SandboxError('stopped'));
        continue;
      }
      this.execute(slot, waiting);
    }
  }

  private execute(slot: Slot, waiting: Waiting): void {
    slot.busy = true;
    const { worker } = slot;
    let settled = false;
    const finish = (outcome: { value: unknown } | { error: Error }, replace: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
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
    const script = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './sandbox-worker.ts' : './sandbox-worker.js', import.meta.url));
    const child = fork(script, [], {
      // Under the tests' TypeScript loader the worker is .ts too and needs the loader.
      execArgv: [
        ...(import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : []),
        `--max-old-space-size=${Math.max(this.limits.memoryMb, 32)}`,
      ],
      env: { SANDBOX_TIMEOUT_MS: String(this.limits.timeoutMs), SANDBOX_MEMORY_MB: String(this.limits.memoryMb) },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
    });
    child.unref();
    child.channel?.unref();
    return child;
  }
}
