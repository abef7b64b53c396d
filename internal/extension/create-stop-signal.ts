import type { Logger } from './logger.js';
import { LocalStopSignal, type StopSignal } from './stop-signal.js';

/** The Redis client loads only in scale-out mode. */
export async function createStopSignal(options: { redisUrl: string; prefix: string; logger: Logger }): Promise<StopSignal> {
  if (!options.redisUrl) return new LocalStopSignal();
  const { RedisStopSignal } = await import('./redis-stop-signal.js');
  return new RedisStopSignal(options.redisUrl, options.prefix, options.logger);
}
