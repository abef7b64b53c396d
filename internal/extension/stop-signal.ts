import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * Carries "stop task X" to whichever process is streaming X. Embedded mode has one process;
 * with Redis every node subscribes, so a stop request may land on any of them.
 */
export interface StopSignal {
  publish(taskId: string): Promise<void>;
  /** Called on every node for every published stop; the handler ignores tasks it does not run. */
  subscribe(handler: (taskId: string) => void): Promise<void>;
  close(): Promise<void>;
}

export class LocalStopSignal implements StopSignal {
  private readonly handlers: Array<(taskId: string) => void> = [];

  async publish(taskId: string): Promise<void> {
    for (const handler of this.handlers) handler(taskId);
  }

  async subscribe(handler: (taskId: string) => void): Promise<void> {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers.length = 0;
  }
}

export class RedisStopSignal implements StopSignal {
  private readonly publisher: Redis;
  private subscriber: Redis | undefined;
  private readonly channel: string;

  constructor(
    private readonly redisUrl: string,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.channel = `${prefix}:chat-stop`;
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    this.publisher.on('error', (err) => logger.warn({ err }, 'redis (stop publisher) error'));
  }

  async publish(taskId: string): Promise<void> {
    await this.publisher.publish(this.channel, taskId);
  }

  async subscribe(handler: (taskId: string) => void): Promise<void> {
    // A subscribed connection can do nothing else, so it is its own.
    this.subscriber ??= new Redis(this.redisUrl);
    this.subscriber.on('error', (err) => this.logger.warn({ err }, 'redis (stop subscriber) error'));
    this.subscriber.on('message', (channel: string, taskId: string) => {
      if (channel === this.channel) handler(taskId);
    });
    await this.subscriber.subscribe(this.channel);
  }

  async close(): Promise<void> {
    for (const connection of [this.subscriber, this.publisher]) {
      await connection?.quit().catch(() => connection.disconnect());
    }
  }
}

export function createStopSignal(options: { redisUrl: string; prefix: string; logger: Logger }): StopSignal {
  return options.redisUrl ? new RedisStopSignal(options.redisUrl, options.prefix, options.logger) : new LocalStopSignal();
}
