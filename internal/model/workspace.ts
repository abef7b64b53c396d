import { index, pgTable, primaryKey, timestamp, uuid, varchar, char } from 'drizzle-orm/pg-core';
import type { WorkspaceRole } from '../entity/workspace-entity.js';
import { accounts } from './account.js';
import { idColumn, timestamps } from './columns.js';

/** What owns apps, datasets, files, credentials and keys: a team, or one person's own workspace. */
export const workspaces = pgTable('workspaces', {
  id: idColumn(),
  name: varchar('name', { length: 100 }).notNull(),
  ...timestamps(),
});

/** An account's membership of a workspace and its role there; one owner per workspace. */
export const workspaceMembers = pgTable(
  'workspace_members',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    role: varchar('role', { length: 20 }).$type<WorkspaceRole>().notNull(),
    invitedBy: uuid('invited_by'),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.accountId] }), index('workspace_members_account_idx').on(t.accountId)],
);

/** A pending invitation: only the token's SHA-256 is stored, the link is shown to the inviter once. */
export const invitations = pgTable(
  'invitations',
  {
    id: idColumn(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: varchar('email', { length: 255 }).notNull(),
    role: varchar('role', { length: 20 }).$type<WorkspaceRole>().notNull(),
    tokenHash: char('token_hash', { length: 64 }).notNull().unique(),
    invitedBy: uuid('invited_by')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [index('invitations_workspace_email_idx').on(t.workspaceId, t.email)],
);

export type Workspace = typeof workspaces.$inferSelect;
export type WorkspaceMember = typeof workspaceMembers.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
