import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, jsonb, pgTable, smallint, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { DEFAULT_CONVERSATION_NAME, MessageStatus, type InvokeFrom } from '../entity/conversation-entity.js';
import type { FileTransferMethod } from '../entity/app-config-entity.js';
import { accounts } from './account.js';
import { workspaces } from './workspace.js';
import { apps } from './app.js';
import { timestamps } from './columns.js';
import { uploadFiles } from './upload-file.js';

/** Ids are made by the application, so a chat can stream before its rows are written. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey(),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The console member whose debug conversation this is; null for published traffic. */
    fromAccountId: uuid('from_account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    invokeFrom: varchar('invoke_from', { length: 20 }).$type<InvokeFrom>().notNull(),
    name: varchar('name', { length: 255 }).notNull().default(DEFAULT_CONVERSATION_NAME),
    /** Long-term memory: a running summary of what was said, kept by a background task. */
    summary: text('summary').notNull().default(''),
    isPinned: boolean('is_pinned').notNull().default(false),
    isDeleted: boolean('is_deleted').notNull().default(false),
    /** The service API's `user` (an id the caller chose); empty for the author's own conversations. */
    endUser: varchar('end_user', { length: 255 }).notNull().default(''),
    /** The input variables the conversation started with; its later messages run with the same (as Dify does). */
    inputs: jsonb('inputs').$type<Record<string, string | number>>().notNull().default({}),
    /** A chatflow's conversation variables, as its last turn left them. */
    variables: jsonb('variables').$type<Record<string, unknown>>(),
    ...timestamps(),
  },
  (t) => [
    index('conversations_app_from_account_idx').on(t.appId, t.fromAccountId, t.invokeFrom, t.createdAt),
    index('conversations_app_end_user_idx').on(t.appId, t.invokeFrom, t.endUser, t.updatedAt),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    invokeFrom: varchar('invoke_from', { length: 20 }).$type<InvokeFrom>().notNull(),
    query: text('query').notNull(),
    answer: text('answer').notNull().default(''),
    status: varchar('status', { length: 20 }).$type<MessageStatus>().notNull().default(MessageStatus.Normal),
    error: text('error').notNull().default(''),
    messageTokens: integer('message_tokens').notNull().default(0),
    answerTokens: integer('answer_tokens').notNull().default(0),
    totalTokens: integer('total_tokens').notNull().default(0),
    totalPrice: doublePrecision('total_price').notNull().default(0),
    currency: varchar('currency', { length: 8 }).notNull().default('USD'),
    /** Seconds from the request to the end of the answer, and to its first token. */
    latency: doublePrecision('latency').notNull().default(0),
    firstTokenLatency: doublePrecision('first_token_latency').notNull().default(0),
    provider: varchar('provider', { length: 64 }).notNull().default(''),
    model: varchar('model', { length: 200 }).notNull().default(''),
    endUser: varchar('end_user', { length: 255 }).notNull().default(''),
    inputs: jsonb('inputs').$type<Record<string, unknown>>().notNull().default({}),
    /** The end user's rating: like, dislike, or null for none. */
    feedbackRating: varchar('feedback_rating', { length: 10 }).$type<'like' | 'dislike'>(),
    feedbackContent: text('feedback_content').notNull().default(''),
    retrieverResources: jsonb('retriever_resources').$type<unknown[]>().notNull().default([]),
    /** A chatflow's answer: the workflow run that made it (its id is the message's). */
    workflowRunId: uuid('workflow_run_id'),
    isDeleted: boolean('is_deleted').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('messages_conversation_created_idx').on(t.conversationId, t.createdAt),
    index('messages_app_created_idx').on(t.appId, t.createdAt),
    // Answers still being written: few at any time, found at start-up and by the sweep after a crash.
    index('messages_running_idx')
      .on(t.createdAt)
      .where(sql`${t.status} = 'running'`),
  ],
);

export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;

/** An image sent with a message: a remote URL given by the caller, or one of the account's uploads. */
export const messageFiles = pgTable(
  'message_files',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    type: varchar('type', { length: 16 }).notNull().default('image'),
    transferMethod: varchar('transfer_method', { length: 16 }).$type<FileTransferMethod>().notNull(),
    /** The remote URL; empty for an upload. */
    url: text('url').notNull().default(''),
    uploadFileId: uuid('upload_file_id').references(() => uploadFiles.id, { onDelete: 'set null' }),
    /** Who sent it: the user, or the assistant (a file an agent's tool made). */
    belongsTo: varchar('belongs_to', { length: 16 }).notNull().default('user'),
    /** Order within the message, as sent. */
    position: smallint('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('message_files_message_idx').on(t.messageId)],
);

export type MessageFile = typeof messageFiles.$inferSelect;

/** One step of an agent's answer (Dify's message_agent_thoughts): the thought, the tools called, what they answered. */
export const messageAgentThoughts = pgTable(
  'message_agent_thoughts',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    thought: text('thought').notNull().default(''),
    /** Tool names of the step, `;`-joined as Dify writes them. */
    tool: text('tool').notNull().default(''),
    toolLabels: jsonb('tool_labels').$type<Record<string, { en_US: string; zh_Hans: string }>>().notNull().default({}),
    /** JSON text: tool name -> its arguments. */
    toolInput: text('tool_input').notNull().default(''),
    /** JSON text: tool name -> what it answered. */
    observation: text('observation').notNull().default(''),
    /** Upload ids of the files the step's tools made (a drawn image), shown with the answer. */
    messageFiles: jsonb('message_files').$type<string[]>().notNull().default([]),
    tokens: integer('tokens').notNull().default(0),
    latency: doublePrecision('latency').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('message_agent_thoughts_message_idx').on(t.messageId, t.position)],
);

export type MessageAgentThought = typeof messageAgentThoughts.$inferSelect;
