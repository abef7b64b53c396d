import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { LocalChangeFeed } from './change-feed.js';
import type { Logger } from './logger.js';

/** How long publish waits for every node to confirm a change before it gives up waiting (the write itself stands). */
const ACK_WAIT_MS = 2_000;

interface Waiting {
  /** Subscribers Redis handed the message to (this node's own included), once PUBLISH has answered. */
  expected?: number;
  heard: number;
  done: () => void;
}

/**
 * Changes published to every node through Redis pub/sub; a reconnect resets the caches, since
 * messages may have been lost. A publish returns once every subscriber Redis handed the message to
 * has applied it: this node hears its own echo, every other node answers on the publisher's own
 * channel after its listeners ran. Redis writes a message to its subscribers one after another, and
 * on a busy machine it can be descheduled between two of them, so the echo alone would let a
 * request that follows the change reach a node that has not read it yet.
 */
export class RedisChangeFeed extends LocalChangeFeed {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly node = randomUUID();
  private readonly ackChannel: string;
  private sequence = 0;
  private readonly waiting = new Map<number, Waiting>();
  private connectedOnce = false;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    super();
    this.channel = `${prefix}:changes`;
    this.ackChannel = `${prefix}:acks:${this.node}`;
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    this.publisher.on('error', (err) => logger.warn({ err }, 'redis (change publisher) error'));
    // A subscribed connection can do nothing else, so it is its own.
    this.subscriber = new Redis(redisUrl);
    this.subscriber.on('error', (err) => logger.warn({ err }, 'redis (change subscriber) error'));
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.received(message);
      else if (channel === this.ackChannel) this.heard(Number(message));
    });
    this.subscriber.on('ready', () => {
      if (this.connectedOnce) this.reset();
      this.connectedOnce = true;
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel, this.ackChannel);
  }

  override async publish(topic: string): Promise<void> {
    this.deliver(topic);
    const sequence = ++this.sequence;
    // Registered before the message goes out: an answer may come back before PUBLISH's own reply.
    const confirmed = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        const wait = this.waiting.get(sequence);
        if (!wait) return;
        this.logger.warn(
          { topic, expected: wait.expected, heard: wait.heard },
          'a change was not confirmed by every node in time; their caches catch up within their expiry',
        );
        wait.done();
      }, ACK_WAIT_MS);
      this.waiting.set(sequence, {
        heard: 0,
        done: () => {
          clearTimeout(timer);
          this.waiting.delete(sequence);
          resolve();
        },
      });
    });
    try {
      const subscribers = await this.publisher.publish(this.channel, JSON.stringify({ node: this.node, sequence, topic }));
      const wait = this.waiting.get(sequence);
      if (wait) {
        wait.expected = subscribers;
        if (wait.heard >= subscribers) wait.done();
      }
    } catch (err) {
      this.waiting.get(sequence)?.done();
      throw err;
    }
    await confirmed;
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
    // This node delivered its own change before publishing; its echo counts as its own confirmation.
    if (parsed.node === this.node) return this.heard(Number(parsed.sequence));
    this.deliver(parsed.topic);
    if (typeof parsed.node !== 'string') return;
    this.publisher.publish(`${this.prefix}:acks:${parsed.node}`, String(parsed.sequence)).catch((err: unknown) => {
      this.logger.warn({ err }, 'could not confirm a change to the node that made it');
    });
  }

  private heard(sequence: number): void {
    const wait = this.waiting.get(sequence);
    if (!wait) return;
    wait.heard += 1;
    if (wait.expected !== undefined && wait.heard >= wait.expected) wait.done();
  }

  override async close(): Promise<void> {
    await super.close();
    for (const wait of [...this.waiting.values()]) wait.done();
    for (const connection of [this.subscriber, this.publisher]) {
      await connection.quit().catch(() => connection.disconnect());
    }
  }
}
