import { integer, jsonb, pgTable, text, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import type { McpToolSpec } from '../core/tools/mcp-tools.js';
import type { ApiToolSpec } from '../core/tools/openapi-tools.js';
import type { WorkflowToolParameter } from '../core/tools/workflow-tools.js';
import { accounts } from './account.js';
import { apps } from './app.js';
import { idColumn, timestamps } from './columns.js';
import { workspaces } from './workspace.js';

/**
 * A workspace's custom API tools: an OpenAPI document, its operations parsed once when saved, and
 * the headers every call sends (often a key: kept encrypted, as one JSON text).
 */
export const apiToolProviders = pgTable(
  'api_tool_providers',
  {
    id: idColumn(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    name: varchar('name', { length: 64 }).notNull(),
    icon: text('icon').notNull().default(''),
    description: text('description').notNull().default(''),
    openapiSchema: text('openapi_schema').notNull(),
    tools: jsonb('tools').$type<ApiToolSpec[]>().notNull(),
    headersEncrypted: text('headers_encrypted').notNull().default(''),
    ...timestamps(),
  },
  (t) => [unique('api_tool_providers_workspace_name_unique').on(t.workspaceId, t.name)],
);

export type ApiToolProvider = typeof apiToolProviders.$inferSelect;

/** A workspace's MCP servers: where they are, the headers sent to them (encrypted), their tools as last listed. */
export const mcpServers = pgTable(
  'mcp_servers',
  {
    id: idColumn(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    name: varchar('name', { length: 64 }).notNull(),
    serverUrl: text('server_url').notNull(),
    headersEncrypted: text('headers_encrypted').notNull().default(''),
    tools: jsonb('tools').$type<McpToolSpec[]>().notNull().default([]),
    ...timestamps(),
  },
  (t) => [unique('mcp_servers_workspace_name_unique').on(t.workspaceId, t.name)],
);

export type McpServer = typeof mcpServers.$inferSelect;

/** A workspace's credentials for a built-in tool provider that needs them (dalle's key), as one encrypted JSON text. */
export const builtinToolCredentials = pgTable(
  'builtin_tool_credentials',
  {
    id: idColumn(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    provider: varchar('provider', { length: 64 }).notNull(),
    credentialsEncrypted: text('credentials_encrypted').notNull(),
    ...timestamps(),
  },
  (t) => [unique('builtin_tool_credentials_workspace_provider_unique').on(t.workspaceId, t.provider)],
);

export type BuiltinToolCredential = typeof builtinToolCredentials.$inferSelect;

/**
 * A workflow app offered to agents as a tool (Dify's workflow tool provider): one per app. Runs take
 * the app's published graph; `version` is the one published when the tool was last saved, so a
 * later publish shows as not synced until the tool is saved again.
 */
export const workflowToolProviders = pgTable(
  'workflow_tool_providers',
  {
    id: idColumn(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    appId: uuid('app_id')
      .notNull()
      .unique('workflow_tool_providers_app_unique')
      .references(() => apps.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    name: varchar('name', { length: 64 }).notNull(),
    label: varchar('label', { length: 255 }).notNull(),
    icon: jsonb('icon').$type<Record<string, unknown>>().notNull().default({}),
    description: text('description').notNull().default(''),
    parameters: jsonb('parameters').$type<WorkflowToolParameter[]>().notNull().default([]),
    privacyPolicy: text('privacy_policy').notNull().default(''),
    version: integer('version').notNull(),
    ...timestamps(),
  },
  (t) => [unique('workflow_tool_providers_workspace_name_unique').on(t.workspaceId, t.name)],
);

export type WorkflowToolProvider = typeof workflowToolProviders.$inferSelect;
