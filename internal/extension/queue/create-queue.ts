import type { Logger } from '../logger.js';
import { BullmqQueue } from './bullmq-queue.js';
import { MemoryQueue } from './memory-queue.js';
import type { Queue } from './queue.js';

export function createQueue(options: { redisUrl: string; prefix: string; logger: Logger }): Queue {
  return options.redisUrl ? new BullmqQueue(options.redisUrl, options.prefix, options.logger) : new MemoryQueue(options.logger);
}
