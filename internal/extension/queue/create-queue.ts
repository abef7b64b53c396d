import type { Logger } from '../logger.js';
import { MemoryQueue } from './memory-queue.js';
import type { Queue } from './queue.js';

/** BullMQ (and its Redis client) load only in scale-out mode: the embedded default does not pay their start-up time. */
export async function createQueue(options: { redisUrl: string; prefix: string; logger: Logger }): Promise<Queue> {
  if (!options.redisUrl) return new MemoryQueue(options.logger);
  const { BullmqQueue } = await import('./bullmq-queue.js');
  return new BullmqQueue(options.redisUrl, options.prefix, options.logger);
}
