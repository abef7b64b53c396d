import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the current window ends (when refused). */
  retryAfterSeconds: number;
}

/** Fixed-window counters: at most `limit` hits per `windowMs` for one key. */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  close(): Promise<void>;
}

/** One process: counters in memory, dropped when their window ends. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      if (this.windows.size > 100_000) this.sweep(now);
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= limit, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

// INCR and the expiry of a new window in one step, so concurrent nodes never leave a counter without one.
const HIT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/** Several nodes: one counter per key in Redis, so a limit holds across all of them. */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    logger: Logger,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    this.redis.on('error', (err) => logger.warn({ err }, 'redis (rate limiter) error'));
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `${this.prefix}:rate:${key}`, windowMs)) as [number, number];
    return { allowed: count <= limit, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(ttl, 0) / 1000)) };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

export function createRateLimiter(options: { redisUrl: string; prefix: string; logger: Logger }): RateLimiter {
  return options.redisUrl ? new RedisRateLimiter(options.redisUrl, options.prefix, options.logger) : new MemoryRateLimiter();
}
