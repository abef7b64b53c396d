import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { LocalChangeFeed } from './change-feed.js';
import type { Logger } from './logger.js';

/** How long publish waits to hear its own message back before it gives up waiting (the write itself stands). */
const ECHO_WAIT_MS = 2_000;

/**
 * Changes published to every node through Redis pub/sub; a reconnect resets the caches, since
 * messages may have been lost. A publish returns once this node's own subscriber has heard the
 * message: Redis hands a message to every subscriber in the same step, so by then the other nodes
 * have it on their sockets too, and a request sent to them after the change sees it.
 */
export class RedisChangeFeed extends LocalChangeFeed {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly node = randomUUID();
  private sequence = 0;
  private readonly echoes = new Map<number, () => void>();
  private connectedOnce = false;

  constructor(redisUrl: string, prefix: string, logger: Logger) {
    super();
    this.channel = `${prefix}:changes`;
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    this.publisher.on('error', (err) => logger.warn({ err }, 'redis (change publisher) error'));
    // A subscribed connection can do nothing else, so it is its own.
    this.subscriber = new Redis(redisUrl);
    this.subscriber.on('error', (err) => logger.warn({ err }, 'redis (change subscriber) error'));
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.received(message);
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
    const sequence = ++this.sequence;
    const heard = new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.echoes.get(sequence)?.(), ECHO_WAIT_MS);
      this.echoes.set(sequence, () => {
        clearTimeout(timer);
        this.echoes.delete(sequence);
        resolve();
      });
    });
    try {
      await this.publisher.publish(this.channel, JSON.stringify({ node: this.node, sequence, topic }));
    } catch (err) {
      this.echoes.get(sequence)?.();
      throw err;
    }
    await heard;
  }

  /** Messages are `{node, sequence, topic}`; a bare topic (an older node's message) is taken as it is. */
  private received(message: string): void {
    let parsed: { node?: unknown; sequence?: unknown; topic?: unknown } | undefined;
    try {
      parsed = message.startsWith('{') ? (JSON.parse(message) as typeof parsed) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed.topic !== 'string') return this.deliver(message);
    // This node delivered its own change before publishing; the echo only says Redis has fanned it out.
    if (parsed.node === this.node) return this.echoes.get(Number(parsed.sequence))?.();
    this.deliver(parsed.topic);
  }

  override async close(): Promise<void> {
    await super.close();
    for (const done of [...this.echoes.values()]) done();
    for (const connection of [this.subscriber, this.publisher]) {
      await connection.quit().catch(() => connection.disconnect());
    }
  }
}
