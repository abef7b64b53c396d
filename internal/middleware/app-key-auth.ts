import type { FastifyRequest } from 'fastify';
import { appUnavailable, RateLimitedError, DifyApiError } from '../exception/app-error.js';
import type { RateLimiter } from '../extension/rate-limiter.js';
import type { AppApiKey } from '../model/api-key.js';
import type { App } from '../model/app.js';
import type { ApiKeyService } from '../service/apps/api-key-service.js';

export interface AppKeyAuth {
  key: AppApiKey;
  app: App;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the app-key hook on 'app-key' routes (the service API). */
    appKey: AppKeyAuth | null;
  }
}

const MINUTE_MS = 60_000;

/**
 * onRequest hook for the service API and the OpenAI endpoint: `Authorization: Bearer <app api key>`,
 * then the key's per-minute rate limit. Errors go out in the route's format (Dify's or OpenAI's).
 */
export function appKeyAuthHook(apiKeys: ApiKeyService, limiter: RateLimiter, perMinute: number) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.routeOptions.config.auth !== 'app-key') return;
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      throw new DifyApiError(401, 'unauthorized', "Authorization header must be provided and start with 'Bearer'");
    }
    const result = await apiKeys.check(match[1]!);
    if (!result.ok && result.reason === 'invalid') throw new DifyApiError(401, 'unauthorized', 'Access token is invalid');
    if (!result.ok) throw appUnavailable();
    const rate = await limiter.hit(`app-key:${result.key.id}`, perMinute, MINUTE_MS);
    if (!rate.allowed)
      throw new RateLimitedError(`Rate limit exceeded: at most ${perMinute} requests per minute for this key.`, rate.retryAfterSeconds);
    request.appKey = { key: result.key, app: result.app };
  };
}

export function currentAppKey(request: FastifyRequest): AppKeyAuth {
  if (!request.appKey) throw new DifyApiError(401, 'unauthorized', 'Access token is invalid');
  return request.appKey;
}
