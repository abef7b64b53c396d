import { integer, pgTable, text, timestamp, uuid, varchar, index, unique } from 'drizzle-orm/pg-core';
import { idColumn, timestamps } from './columns.js';

export const accounts = pgTable('accounts', {
  id: idColumn(),
  name: varchar('name', { length: 100 }).notNull(),
  /** Stored lower-cased, so the unique index is case-insensitive. */
  email: varchar('email', { length: 255 }).notNull().unique(),
  /** Empty for an account made by OAuth sign-in: it has no password until one is set. */
  passwordHash: text('password_hash').notNull(),
  avatar: text('avatar').notNull().default(''),
  /** Bumped on password change: tokens carrying an older version stop working. */
  tokenVersion: integer('token_version').notNull().default(0),
  /** The workspace the console acts in; a membership of it is checked on every request. */
  currentWorkspaceId: uuid('current_workspace_id'),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  lastLoginIp: varchar('last_login_ip', { length: 64 }),
  ...timestamps(),
});

/** Tokens ended by logout before their expiry; rows are purged once the token would have expired anyway. */
export const revokedTokens = pgTable(
  'revoked_tokens',
  {
    jti: uuid('jti').primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('revoked_tokens_expires_at_idx').on(t.expiresAt)],
);

/** Failed password logins per email, to slow down guessing. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    email: varchar('email', { length: 255 }).primaryKey(),
    failedCount: integer('failed_count').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('login_attempts_last_failed_at_idx').on(t.lastFailedAt)],
);

/** A sign-in identity at an OAuth / OpenID Connect provider, linked to the account it signs in to. */
export const accountIdentities = pgTable(
  'account_identities',
  {
    id: idColumn(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    provider: varchar('provider', { length: 32 }).notNull(),
    /** The provider's stable id for the person: a changed email at the provider still signs in to the same account. */
    subject: varchar('subject', { length: 255 }).notNull(),
    email: varchar('email', { length: 255 }).notNull(),
    ...timestamps(),
  },
  (t) => [
    unique('account_identities_provider_subject_unique').on(t.provider, t.subject),
    index('account_identities_account_idx').on(t.accountId),
  ],
);

export type Account = typeof accounts.$inferSelect;
