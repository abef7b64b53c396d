import type { Logger } from './logger.js';
import { MemoryRateLimiter, type RateLimiter } from './rate-limiter.js';

/** The Redis client loads only in scale-out mode: the embedded default does not pay its start-up time. */
export async function createRateLimiter(options: { redisUrl: string; prefix: string; logger: Logger }): Promise<RateLimiter> {
  if (!options.redisUrl) return new MemoryRateLimiter();
  const { RedisRateLimiter } = await import('./redis-rate-limiter.js');
  return new RedisRateLimiter(options.redisUrl, options.prefix, options.logger);
}
