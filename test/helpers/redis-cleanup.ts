import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './environment.js';

/** Deletes every key under a test's queue prefix, so runs leave the shared Redis as they found it. */
export async function purgeRedisPrefix(prefix: string): Promise<void> {
  if (!TEST_REDIS_URL) return;
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
