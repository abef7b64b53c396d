import type { Logger } from '../logger.js';
import { BACKOFF_BASE_MS, DEFAULT_ATTEMPTS, QUEUE_CONCURRENCY, type EnqueueOptions, type JobHandler, type Queue } from './queue.js';

interface PendingJob {
  name: string;
  data: unknown;
  attempt: number;
  attempts: number;
}

/** In-process queue for the embedded mode: bounded concurrency, retries with backoff, no persistence. */
export class MemoryQueue implements Queue {
  readonly kind = 'memory' as const;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly waiting: PendingJob[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private started = false;
  private closed = false;

  constructor(private readonly logger: Logger) {}

  define<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler);
  }

  async enqueue<T>(name: string, data: T, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error(`queue is closed; job ${name} was not enqueued`);
    const job: PendingJob = { name, data, attempt: 1, attempts: options.attempts ?? DEFAULT_ATTEMPTS };
    if (options.delayMs) this.later(options.delayMs, () => this.push(job));
    else this.push(job);
  }

  async every(name: string, everyMs: number): Promise<void> {
    const timer = setInterval(() => this.push({ name, data: undefined, attempt: 1, attempts: 1 }), everyMs);
    timer.unref();
    this.timers.add(timer);
  }

  async start(): Promise<void> {
    this.started = true;
    this.drain();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    await Promise.allSettled([...this.running]);
  }

  interrupt(): void {
    this.shutdown.abort();
  }

  private push(job: PendingJob): void {
    if (this.closed) return;
    this.waiting.push(job);
    this.drain();
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private drain(): void {
    while (this.started && !this.closed && this.running.size < QUEUE_CONCURRENCY && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      const run = this.run(job).finally(() => {
        this.running.delete(run);
        this.drain();
      });
      this.running.add(run);
    }
  }

  private async run(job: PendingJob): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) {
      this.logger.error({ job: job.name }, 'no handler defined for job; dropped');
      return;
    }
    try {
      await handler(job.data, this.shutdown.signal);
    } catch (err) {
      if (this.shutdown.signal.aborted) {
        this.logger.warn({ job: job.name }, 'job interrupted by shutdown');
      } else if (job.attempt < job.attempts && !this.closed) {
        this.logger.warn({ err, job: job.name, attempt: job.attempt }, 'job failed; retrying');
        this.later(BACKOFF_BASE_MS * 2 ** (job.attempt - 1), () => this.push({ ...job, attempt: job.attempt + 1 }));
      } else {
        this.logger.error({ err, job: job.name, attempts: job.attempts }, 'job failed for good');
      }
    }
  }
}
