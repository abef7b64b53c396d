import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import type { StopSignal } from './stop-signal.js';

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
