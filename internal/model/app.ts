import { index, jsonb, pgTable, text, uuid, varchar } from 'drizzle-orm/pg-core';
import type { AppConfig } from '../entity/app-config-entity.js';
import { AppStatus } from '../entity/app-entity.js';
import type { AppModeName } from '../entity/workflow-entity.js';
import { accounts } from './account.js';
import { workspaces } from './workspace.js';
import { idColumn, timestamps } from './columns.js';

export const apps = pgTable(
  'apps',
  {
    id: idColumn(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Who made it; kept when they leave the workspace (the app stays the workspace's). */
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    name: varchar('name', { length: 64 }).notNull(),
    icon: text('icon').notNull(),
    description: text('description').notNull().default(''),
    /** chat, agent-chat, workflow or advanced-chat; fixed at creation. */
    mode: varchar('mode', { length: 20 }).$type<AppModeName>().notNull().default('chat'),
    status: varchar('status', { length: 20 }).$type<AppStatus>().notNull().default(AppStatus.Draft),
    /** The configuration being edited; fields missing here take their defaults when read. */
    draftConfig: jsonb('draft_config').$type<Partial<AppConfig>>().notNull().default({}),
    /** The version answering published traffic; null while the app is a draft. */
    publishedVersionId: uuid('published_version_id'),
    /** The public web app's link token, made at the first publish; replacing it revokes the old link. */
    webAppToken: varchar('web_app_token', { length: 64 }).unique(),
    /** The app's MCP server link token (`/mcp/<token>`); null while the app is not offered to MCP clients. */
    mcpToken: varchar('mcp_token', { length: 64 }).unique(),
    ...timestamps(),
  },
  (t) => [index('apps_workspace_id_created_at_idx').on(t.workspaceId, t.createdAt)],
);

export type App = typeof apps.$inferSelect;
