import { integer, jsonb, pgTable, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { AppConfig } from '../entity/app-config-entity.js';
import { apps } from './app.js';
import { idColumn } from './columns.js';

/** Every published configuration of an app, numbered from 1; never changed once written. */
export const appConfigVersions = pgTable(
  'app_config_versions',
  {
    id: idColumn(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    config: jsonb('config').$type<AppConfig>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('app_config_versions_app_version_unique').on(t.appId, t.version)],
);

export type AppConfigVersion = typeof appConfigVersions.$inferSelect;
