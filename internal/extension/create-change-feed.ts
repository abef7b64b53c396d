import { LocalChangeFeed, type ChangeFeed } from './change-feed.js';
import type { Logger } from './logger.js';

/** The Redis client loads only in scale-out mode. */
export async function createChangeFeed(options: { redisUrl: string; prefix: string; logger: Logger }): Promise<ChangeFeed> {
  if (!options.redisUrl) return new LocalChangeFeed();
  const { RedisChangeFeed } = await import('./redis-change-feed.js');
  const feed = new RedisChangeFeed(options.redisUrl, options.prefix, options.logger);
  await feed.start();
  return feed;
}
