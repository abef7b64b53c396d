/**
 * Background jobs. Two implementations behind one interface: in-process (embedded mode,
 * jobs live in memory) and BullMQ (REDIS_URL set, jobs are durable and shared by workers).
 * Callers never know which one they have.
 */
export type JobHandler<T = unknown> = (data: T) => Promise<void>;

export interface EnqueueOptions {
  /** Tries in all, the first included; failures back off exponentially. */
  attempts?: number;
  delayMs?: number;
}

export interface Queue {
  readonly kind: 'memory' | 'bullmq';
  /** Registers what runs for a job name. Every process that consumes must define the same names. */
  define<T>(name: string, handler: JobHandler<T>): void;
  enqueue<T>(name: string, data: T, options?: EnqueueOptions): Promise<void>;
  /** Runs `name` every `everyMs`, once per interval across all consumers. */
  every(name: string, everyMs: number): Promise<void>;
  /** Starts consuming; producer-only processes never call it. */
  start(): Promise<void>;
  /** Stops taking jobs and waits (bounded) for running ones. */
  close(): Promise<void>;
}

export const DEFAULT_ATTEMPTS = 3;
export const BACKOFF_BASE_MS = 500;
export const QUEUE_CONCURRENCY = 4;
