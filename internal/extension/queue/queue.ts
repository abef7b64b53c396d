/**
 * Background jobs. Two implementations behind one interface: in-process (embedded mode,
 * jobs live in memory) and BullMQ (REDIS_URL set, jobs are durable and shared by workers).
 * Callers never know which one they have.
 */
/** `signal` aborts when the process shuts down: stop early and throw, and the job is released, not failed. */
export type JobHandler<T = unknown> = (data: T, signal: AbortSignal) => Promise<void>;

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
  /** Stops taking jobs and waits for running ones (the caller bounds the wait), then lets go of its connections. */
  close(): Promise<void>;
  /**
   * Aborts running jobs (shutdown past its timeout). They are released, not failed: BullMQ puts
   * them back for another worker or the next start; in-process jobs end, and work with its own
   * durable state (document indexing) is resumed at the next start.
   */
  interrupt(): void;
}

export const DEFAULT_ATTEMPTS = 3;
export const BACKOFF_BASE_MS = 500;
export const QUEUE_CONCURRENCY = 4;
