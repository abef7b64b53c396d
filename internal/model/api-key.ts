import { boolean, char, index, pgTable, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { workspaces } from './workspace.js';
import { apps } from './app.js';
import { idColumn, timestamps } from './columns.js';

/** A key for an app's service API. Only its SHA-256 is stored; the key itself is shown once. */
export const appApiKeys = pgTable(
  'app_api_keys',
  {
    id: idColumn(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    keyHash: char('key_hash', { length: 64 }).notNull().unique(),
    /** Enough of the key to recognise it in a list. */
    keyHint: varchar('key_hint', { length: 32 }).notNull(),
    remark: varchar('remark', { length: 255 }).notNull().default(''),
    isActive: boolean('is_active').notNull().default(true),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [index('app_api_keys_app_idx').on(t.appId, t.createdAt)],
);

export type AppApiKey = typeof appApiKeys.$inferSelect;
