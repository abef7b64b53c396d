import { jsonb, pgTable, text, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import type { CustomModel } from '../core/llm/model-catalog.js';
import { workspaces } from './workspace.js';
import { idColumn, timestamps } from './columns.js';

/** An account's key and endpoint for one model provider. The key is stored encrypted only. */
export const providerCredentials = pgTable(
  'provider_credentials',
  {
    id: idColumn(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    provider: varchar('provider', { length: 64 }).notNull(),
    apiKeyEncrypted: text('api_key_encrypted').notNull().default(''),
    baseUrl: text('base_url').notNull().default(''),
    /** Models the user declared, for providers whose models the catalog cannot know. */
    models: jsonb('models').$type<CustomModel[]>().notNull().default([]),
    ...timestamps(),
  },
  (t) => [unique('provider_credentials_workspace_provider_unique').on(t.workspaceId, t.provider)],
);

export type ProviderCredential = typeof providerCredentials.$inferSelect;
