import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../exception/app-error.js';
import type { AuthService, AuthenticatedAccount } from '../service/identity/auth-service.js';
import { requirePermission, type Actor, type Permission } from '../service/identity/permissions.js';

/** Who may call a route: anyone, or a signed-in console account. */
export type RouteAuth = 'public' | 'account' | 'app-key';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on 'account' routes. */
    auth: AuthenticatedAccount | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** What the route does in the current workspace; the member's role must allow it. */
    permission?: Permission;
  }
}

/** onRequest hook: runs before body validation, so a caller without a token learns that first. */
export function accountAuthHook(authService: AuthService) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.routeOptions.config.auth !== 'account') return;
    const header = request.headers.authorization;
    if (!header) throw new UnauthorizedError('missing Authorization header; send "Bearer <access_token>"');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError('Authorization header must be "Bearer <access_token>"');
    request.auth = await authService.authenticate(match[1]!);
    const permission = request.routeOptions.config.permission;
    if (permission) requirePermission(actorOf(request.auth), permission);
  };
}

/** The signed-in account of an 'account' route; the hook guarantees it is there. */
export function currentAuth(request: FastifyRequest): AuthenticatedAccount {
  if (!request.auth) throw new UnauthorizedError();
  return request.auth;
}

/** The signed-in member and the workspace they act in. */
export function currentActor(request: FastifyRequest): Actor {
  return actorOf(currentAuth(request));
}

/** The id of the workspace the signed-in member acts in. */
export function currentWorkspaceId(request: FastifyRequest): string {
  return currentActor(request).workspaceId;
}

function actorOf(auth: AuthenticatedAccount): Actor {
  if (!auth.workspace) {
    throw new ForbiddenError('you are not a member of this workspace any more; switch to another with POST /workspaces/switch');
  }
  return { accountId: auth.account.id, workspaceId: auth.workspace.id, role: auth.workspace.role };
}
