import type { AccountHandler } from '../../handler/console/account-handler.js';
import type { AuthHandler } from '../../handler/console/auth-handler.js';
import type { PingHandler } from '../../handler/console/ping-handler.js';
import { accountResponse, updateAvatarBody, updateNameBody, updatePasswordBody } from '../../schema/account-schema.js';
import { passwordLoginBody, registerBody, tokenResponse } from '../../schema/auth-schema.js';
import { errorEnvelope, messageEnvelope } from '../../schema/common-schema.js';
import { pingResponse } from '../../schema/ping-schema.js';
import type { HttpServer } from '../../server/http.js';
import { route } from '../route-options.js';

export function registerAuthRoutes(server: HttpServer, h: { ping: PingHandler; auth: AuthHandler; account: AccountHandler }): void {
  server.get(
    '/ping',
    route('public', 'health', 'Health check, including the database', { response: { 200: pingResponse, 503: errorEnvelope } }),
    h.ping.ping,
  );

  server.post(
    '/auth/register',
    route('public', 'auth', 'Create an account and sign in', { body: registerBody, response: { 200: tokenResponse, 403: errorEnvelope } }),
    h.auth.register,
  );
  server.post(
    '/auth/password-login',
    route('public', 'auth', 'Sign in with email and password', {
      body: passwordLoginBody,
      response: { 200: tokenResponse, 429: errorEnvelope },
    }),
    h.auth.passwordLogin,
  );
  server.post(
    '/auth/logout',
    route('account', 'auth', 'Revoke the current access token', { response: { 200: messageEnvelope } }),
    h.auth.logout,
  );

  server.get(
    '/account',
    route('account', 'account', 'The signed-in account', { response: { 200: accountResponse } }),
    h.account.getAccount,
  );
  server.post(
    '/account/name',
    route('account', 'account', 'Change the display name', { body: updateNameBody, response: { 200: accountResponse } }),
    h.account.updateName,
  );
  server.post(
    '/account/avatar',
    route('account', 'account', 'Change the avatar: an http(s) image URL, one emoji, or empty for the initial', {
      body: updateAvatarBody,
      response: { 200: accountResponse },
    }),
    h.account.updateAvatar,
  );
  server.post(
    '/account/password',
    route('account', 'account', 'Change the password; signs out other sessions', {
      body: updatePasswordBody,
      response: { 200: tokenResponse },
    }),
    h.account.updatePassword,
  );
}
