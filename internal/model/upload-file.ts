import { bigint, char, index, pgTable, uuid, varchar } from 'drizzle-orm/pg-core';
import type { UploadKind } from '../entity/upload-file-entity.js';
import { workspaces } from './workspace.js';
import { apps } from './app.js';
import { idColumn, timestamps } from './columns.js';

/** A file an account uploaded; its bytes live in the file storage under `key`. */
export const uploadFiles = pgTable(
  'upload_files',
  {
    id: idColumn(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: varchar('kind', { length: 16 }).$type<UploadKind>().notNull(),
    /** The name the user gave, for display only; the storage key never contains it. */
    name: varchar('name', { length: 255 }).notNull(),
    key: varchar('key', { length: 255 }).notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    extension: varchar('extension', { length: 16 }).notNull(),
    mimeType: varchar('mime_type', { length: 128 }).notNull(),
    /** SHA-256 of the content, hex. */
    hash: char('hash', { length: 64 }).notNull(),
    /** Uploaded through an app's service API or web app: the app and its end user, who alone may send it in a chat. */
    appId: uuid('app_id').references(() => apps.id, { onDelete: 'set null' }),
    endUser: varchar('end_user', { length: 255 }).notNull().default(''),
    ...timestamps(),
  },
  (t) => [index('upload_files_workspace_created_idx').on(t.workspaceId, t.createdAt)],
);

export type UploadFile = typeof uploadFiles.$inferSelect;
