import { Redis } from 'ioredis';
import { LocalChangeFeed } from './change-feed.js';
import type { Logger } from './logger.js';

/** Changes published to every node through Redis pub/sub; a reconnect resets the caches, since messages may have been lost. */
export class RedisChangeFeed extends LocalChangeFeed {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private connectedOnce = false;

  constructor(redisUrl: string, prefix: string, logger: Logger) {
    super();
    this.channel = `${prefix}:changes`;
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    this.publisher.on('error', (err) => logger.warn({ err }, 'redis (change publisher) error'));
    // A subscribed connection can do nothing else, so it is its own.
    this.subscriber = new Redis(redisUrl);
    this.subscriber.on('error', (err) => logger.warn({ err }, 'redis (change subscriber) error'));
    this.subscriber.on('message', (channel: string, topic: string) => {
      if (channel === this.channel) this.deliver(topic);
    });
    this.subscriber.on('ready', () => {
      if (this.connectedOnce) this.reset();
      this.connectedOnce = true;
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  override async publish(topic: string): Promise<void> {
    this.deliver(topic);
    await this.publisher.publish(this.channel, topic);
  }

  override async close(): Promise<void> {
    await super.close();
    for (const connection of [this.subscriber, this.publisher]) {
      await connection.quit().catch(() => connection.disconnect());
    }
  }
}
