import { z } from 'zod';
import { envelope, trimmed } from './common-schema.js';
import { unixSeconds } from '../lib/time.js';
import type { IssuedToken } from '../service/identity/token-service.js';
import { OAUTH_PROVIDERS } from '../extension/oauth-providers.js';

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(255, 'must be at most 255 characters')
  .pipe(z.email('must be a valid email address'));

export const password = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  .regex(/[A-Za-z]/, 'must contain a letter')
  .regex(/[0-9]/, 'must contain a digit');

export const accountName = trimmed(1, 100);

export const registerBody = z.object({ email, password, name: accountName });
// Login does not re-check password rules: an old password set under other rules must still work.
export const passwordLoginBody = z.object({ email, password: z.string().min(1, 'must not be empty').max(128) });

export const tokenResponse = envelope(z.object({ access_token: z.string(), expire_at: z.number().int().describe('Unix seconds') }));

export function tokenView(token: IssuedToken) {
  return { access_token: token.accessToken, expire_at: unixSeconds(token.expiresAt) };
}

export const oauthParams = z.object({
  provider: z.enum(OAUTH_PROVIDERS, { error: `must be one of: ${OAUTH_PROVIDERS.join(', ')}` }),
});
/** What providers send back; other parameters (iss, scope, session_state...) are read from the URL by the OAuth client. */
export const oauthCallbackQuery = z.looseObject({
  code: z.string().max(4096).optional(),
  state: z.string().max(1024).optional(),
  error: z.string().max(1024).optional(),
  error_description: z.string().max(4096).optional(),
});
export const authProvidersResponse = envelope(
  z.object({
    password: z.boolean(),
    register: z.boolean().describe('whether POST /auth/register is open'),
    providers: z.array(z.object({ name: z.enum(OAUTH_PROVIDERS), label: z.string(), url: z.string() })),
  }),
);
