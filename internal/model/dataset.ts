import { boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import type { DocumentStatus, IndexingTechnique, ProcessRule } from '../entity/dataset-entity.js';
import type { DatasetPermission } from '../entity/workspace-entity.js';
import { accounts } from './account.js';
import { workspaces } from './workspace.js';
import { idColumn, timestamps } from './columns.js';
import { uploadFiles } from './upload-file.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const datasets = pgTable(
  'datasets',
  {
    id: idColumn(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    /** Who in the workspace sees it; partial_members lists them in dataset_permissions. */
    permission: varchar('permission', { length: 20 }).$type<DatasetPermission>().notNull().default('only_me'),
    name: varchar('name', { length: 255 }).notNull(),
    icon: varchar('icon', { length: 255 }).notNull(),
    description: text('description').notNull().default(''),
    indexingTechnique: varchar('indexing_technique', { length: 20 }).$type<IndexingTechnique>().notNull(),
    /** The embedding model of a high_quality dataset; empty for economy. */
    embeddingProvider: varchar('embedding_provider', { length: 64 }).notNull().default(''),
    embeddingModel: varchar('embedding_model', { length: 200 }).notNull().default(''),
    ...timestamps(),
  },
  (t) => [index('datasets_workspace_created_idx').on(t.workspaceId, t.createdAt)],
);

/** One uploaded file in a dataset, and where its indexing stands. */
export const documents = pgTable(
  'documents',
  {
    id: idColumn(),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    uploadFileId: uuid('upload_file_id')
      .notNull()
      .references(() => uploadFiles.id),
    batch: varchar('batch', { length: 32 }).notNull(),
    position: integer('position').notNull(),
    name: varchar('name', { length: 255 }).notNull(),
    processRule: jsonb('process_rule').$type<ProcessRule>().notNull(),
    status: varchar('status', { length: 20 }).$type<DocumentStatus>().notNull(),
    error: text('error').notNull().default(''),
    enabled: boolean('enabled').notNull().default(true),
    characterCount: integer('character_count').notNull().default(0),
    tokenCount: integer('token_count').notNull().default(0),
    segmentCount: integer('segment_count').notNull().default(0),
    indexedSegmentCount: integer('indexed_segment_count').notNull().default(0),
    /** The indexing run that owns the document; a stale run that finds another id here stops. */
    indexingRun: uuid('indexing_run'),
    parsingStartedAt: timestamp('parsing_started_at', { withTimezone: true }),
    splittingStartedAt: timestamp('splitting_started_at', { withTimezone: true }),
    indexingStartedAt: timestamp('indexing_started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [index('documents_dataset_position_idx').on(t.datasetId, t.position), index('documents_batch_idx').on(t.batch)],
);

/** A chunk of a document: what retrieval returns. `tsv` holds its words, CJK included, for full-text search. */
export const segments = pgTable(
  'segments',
  {
    id: idColumn(),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull(),
    position: integer('position').notNull(),
    content: text('content').notNull(),
    keywords: jsonb('keywords').$type<string[]>().notNull().default([]),
    characterCount: integer('character_count').notNull(),
    tokenCount: integer('token_count').notNull(),
    hitCount: integer('hit_count').notNull().default(0),
    enabled: boolean('enabled').notNull().default(true),
    tsv: tsvector('tsv').notNull(),
    ...timestamps(),
  },
  (t) => [index('segments_document_position_idx').on(t.documentId, t.position), index('segments_tsv_idx').using('gin', t.tsv)],
);

/** Hit-test queries, newest kept for the dataset's history. */
export const datasetQueries = pgTable(
  'dataset_queries',
  {
    id: idColumn(),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull(),
    query: text('query').notNull(),
    source: varchar('source', { length: 20 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dataset_queries_dataset_created_idx').on(t.datasetId, t.createdAt)],
);

/** The members a partial_members dataset is shared with. */
export const datasetPermissions = pgTable(
  'dataset_permissions',
  {
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.accountId] })],
);

export type Dataset = typeof datasets.$inferSelect;
export type DocumentRow = typeof documents.$inferSelect;
export type Segment = typeof segments.$inferSelect;
