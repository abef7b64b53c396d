import { DelayedError, Queue as BullQueue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { BACKOFF_BASE_MS, DEFAULT_ATTEMPTS, QUEUE_CONCURRENCY, type EnqueueOptions, type JobHandler, type Queue } from './queue.js';

const QUEUE_NAME = 'jobs';

/** Durable queue on Redis: any process may enqueue, every worker process consumes. */
export class BullmqQueue implements Queue {
  readonly kind = 'bullmq' as const;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly connection: Redis;
  private readonly queue: BullQueue;
  private worker: Worker | undefined;
  private workerConnection: Redis | undefined;
  private readonly shutdown = new AbortController();

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    // BullMQ requires maxRetriesPerRequest null so blocking commands wait out reconnects.
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.connection.on('error', (err) => this.logger.warn({ err }, 'redis connection error'));
    this.queue = new BullQueue(QUEUE_NAME, {
      connection: this.connection,
      prefix,
      defaultJobOptions: {
        attempts: DEFAULT_ATTEMPTS,
        backoff: { type: 'exponential', delay: BACKOFF_BASE_MS },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      },
    });
  }

  define<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler);
  }

  async enqueue<T>(name: string, data: T, options: EnqueueOptions = {}): Promise<void> {
    await this.queue.add(name, data, {
      ...(options.attempts ? { attempts: options.attempts } : {}),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
    });
  }

  async every(name: string, everyMs: number): Promise<void> {
    // The scheduler id is the job name, so every process upserting it keeps one schedule.
    await this.queue.upsertJobScheduler(name, { every: everyMs }, { name, opts: { attempts: 1 } });
  }

  async start(): Promise<void> {
    if (this.worker) return;
    // A worker blocks on its own connection; sharing the producer's would stall enqueues.
    this.workerConnection = this.connection.duplicate();
    this.worker = new Worker(QUEUE_NAME, (job: Job, token?: string) => this.process(job, token), {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: QUEUE_CONCURRENCY,
    });
    this.worker.on('failed', (job, err) => {
      this.logger.warn({ err, job: job?.name, attempt: job?.attemptsMade }, 'job failed');
    });
    this.worker.on('error', (err) => this.logger.warn({ err }, 'queue worker error'));
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    for (const connection of [this.workerConnection, this.connection]) {
      await connection?.quit().catch(() => connection.disconnect());
    }
  }

  interrupt(): void {
    this.shutdown.abort();
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new Error(`no handler defined for job ${job.name}`);
    try {
      await handler(job.data, this.shutdown.signal);
    } catch (err) {
      if (!this.shutdown.signal.aborted || !token) throw err;
      // Released, not failed: back to waiting at once, no attempt spent, for another worker or the next start.
      await job.moveToDelayed(Date.now(), token);
      this.logger.warn({ job: job.name, id: job.id }, 'job interrupted by shutdown; released to the queue');
      throw new DelayedError();
    }
  }
}
