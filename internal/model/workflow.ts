import { doublePrecision, index, integer, jsonb, pgTable, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import type { WorkflowRunStatus, WorkflowSpec, WorkflowTrigger } from '../entity/workflow-entity.js';
import type { InvokeFrom } from '../entity/conversation-entity.js';
import { accounts } from './account.js';
import { apps } from './app.js';
import { workspaces } from './workspace.js';
import { idColumn, timestamps } from './columns.js';

/**
 * A workflow app's graphs: the draft being edited (version 0, one per app, saved over) and every
 * published version, numbered from 1 and never changed once written. Secret environment variables
 * are stored sealed (see WorkflowService).
 */
export const workflows = pgTable(
  'workflows',
  {
    id: idColumn(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    spec: jsonb('spec').$type<WorkflowSpec>().notNull(),
    /** Of the graph and features as saved: an editor sends back the hash it read, so two editors do not overwrite each other unseen. */
    hash: varchar('hash', { length: 64 }).notNull(),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    ...timestamps(),
  },
  (t) => [unique('workflows_app_version_unique').on(t.appId, t.version)],
);

/** One run of a graph: its inputs, outputs, status and totals. */
export const workflowRuns = pgTable(
  'workflow_runs',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    workflowId: uuid('workflow_id').notNull(),
    /** The published version number; 0 for a draft run. */
    version: integer('version').notNull(),
    triggeredFrom: varchar('triggered_from', { length: 20 }).$type<WorkflowTrigger>().notNull(),
    invokeFrom: varchar('invoke_from', { length: 20 }).$type<InvokeFrom>().notNull(),
    /** The service API's `user`, or empty for a member's debug run. */
    endUser: varchar('end_user', { length: 255 }).notNull().default(''),
    createdBy: uuid('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    status: varchar('status', { length: 20 }).$type<WorkflowRunStatus>().notNull(),
    inputs: jsonb('inputs').$type<Record<string, unknown>>().notNull().default({}),
    outputs: jsonb('outputs').$type<Record<string, unknown>>().notNull().default({}),
    error: text('error').notNull().default(''),
    elapsedTime: doublePrecision('elapsed_time').notNull().default(0),
    totalTokens: integer('total_tokens').notNull().default(0),
    totalPrice: doublePrecision('total_price').notNull().default(0),
    totalSteps: integer('total_steps').notNull().default(0),
    exceptionsCount: integer('exceptions_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [index('workflow_runs_app_created_idx').on(t.appId, t.createdAt)],
);

/** One node's run inside a workflow run, as the run history shows it. */
export const workflowNodeExecutions = pgTable(
  'workflow_node_executions',
  {
    id: uuid('id').primaryKey(),
    workflowRunId: uuid('workflow_run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    index: integer('index').notNull(),
    nodeId: varchar('node_id', { length: 255 }).notNull(),
    nodeType: varchar('node_type', { length: 50 }).notNull(),
    title: varchar('title', { length: 255 }).notNull().default(''),
    predecessorNodeId: varchar('predecessor_node_id', { length: 255 }),
    status: varchar('status', { length: 20 }).notNull(),
    inputs: jsonb('inputs').$type<Record<string, unknown>>().notNull().default({}),
    processData: jsonb('process_data').$type<Record<string, unknown>>(),
    outputs: jsonb('outputs').$type<Record<string, unknown>>().notNull().default({}),
    error: text('error').notNull().default(''),
    elapsedTime: doublePrecision('elapsed_time').notNull().default(0),
    totalTokens: integer('total_tokens').notNull().default(0),
    totalPrice: doublePrecision('total_price').notNull().default(0),
    retries: integer('retries').notNull().default(0),
    /** A node inside an iteration or a loop: that container's node id, and which round (from 0) it ran in. */
    iterationId: varchar('iteration_id', { length: 255 }),
    loopId: varchar('loop_id', { length: 255 }),
    containerRound: integer('container_round'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('workflow_node_executions_run_idx').on(t.workflowRunId, t.index)],
);

export type Workflow = typeof workflows.$inferSelect;
export type WorkflowRun = typeof workflowRuns.$inferSelect;
export type WorkflowNodeExecution = typeof workflowNodeExecutions.$inferSelect;
