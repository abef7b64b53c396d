import type { FastifyRequest } from 'fastify';
import { UnauthorizedException } from '../exception/app-error.js';
import type { AuthService, AuthenticatedAccount } from '../service/auth-service.js';

/** Who may call a route: anyone, or a signed-in console account. */
export type RouteAuth = 'public' | 'account' | 'app-key';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on 'account' routes. */
    auth: AuthenticatedAccount | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

/** onRequest hook: runs before body validation, so a caller without a token learns that first. */
export function accountAuthHook(authService: AuthService) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.routeOptions.config.auth !== 'account') return;
    const header = request.headers.authorization;
    if (!header) throw new UnauthorizedException('missing Authorization header; send "Bearer <access_token>"');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('Authorization header must be "Bearer <access_token>"');
    request.auth = await authService.authenticate(match[1]!);
  };
}

/** The signed-in account of an 'account' route; the hook guarantees it is there. */
export function currentAuth(request: FastifyRequest): AuthenticatedAccount {
  if (!request.auth) throw new UnauthorizedException();
  return request.auth;
}
