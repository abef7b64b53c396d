import { z } from 'zod';
import { unixSeconds } from '../lib/time.js';
import type { Account } from '../model/account.js';
import { accountName, password } from './auth-schema.js';
import { envelope, unixTime } from './common-schema.js';
import { icon } from './app-schema.js';

export const updateNameBody = z.object({ name: accountName });
export const updateAvatarBody = z.object({ avatar: icon.or(z.literal('')).describe('an http(s) image URL or one emoji; empty clears it') });
export const updatePasswordBody = z.object({
  old_password: z
    .string()
    .min(1, 'must not be empty')
    .max(128)
    .optional()
    .describe('required unless the account has no password yet (made by OAuth sign-in)'),
  new_password: password,
});

export const accountItem = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  avatar: z.string(),
  last_login_at: unixTime.nullable(),
  last_login_ip: z.string().nullable(),
  created_at: unixTime,
  updated_at: unixTime,
});
export const accountResponse = envelope(accountItem);

/** The account as clients see it: never the password hash or token version. */
export function accountView(account: Account): z.infer<typeof accountItem> {
  return {
    id: account.id,
    name: account.name,
    email: account.email,
    avatar: account.avatar,
    last_login_at: account.lastLoginAt ? unixSeconds(account.lastLoginAt) : null,
    last_login_ip: account.lastLoginIp,
    created_at: unixSeconds(account.createdAt),
    updated_at: unixSeconds(account.updatedAt),
  };
}
