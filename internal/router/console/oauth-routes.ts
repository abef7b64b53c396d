import { z } from 'zod';
import type { OAuthHandler } from '../../handler/console/oauth-handler.js';
import { authProvidersResponse, oauthCallbackQuery, oauthParams, tokenResponse } from '../../schema/auth-schema.js';
import { errorEnvelope } from '../../schema/common-schema.js';
import type { HttpServer } from '../../server/http.js';
import { route } from '../route-options.js';

export function registerOAuthRoutes(server: HttpServer, h: OAuthHandler): void {
  server.get(
    '/auth/providers',
    route('public', 'auth', 'How one may sign in here: password, registration, and the OAuth providers that are set up', {
      response: { 200: authProvidersResponse },
    }),
    h.providers,
  );
  server.get(
    '/oauth/:provider',
    route('public', 'auth', 'Start signing in with GitHub, Google or OpenID Connect: redirects to the provider', {
      params: oauthParams,
      response: { 302: z.null().describe("to the provider's sign-in page") },
    }),
    h.start,
  );
  server.get(
    '/oauth/authorize/:provider',
    route('public', 'auth', "The provider's callback: checks state and PKCE, finds or makes the account, answers its token", {
      params: oauthParams,
      querystring: oauthCallbackQuery,
      response: { 200: tokenResponse, 403: errorEnvelope },
    }),
    h.callback,
  );
}
