import { sql, type SQL } from 'drizzle-orm';
import type { usageReport } from '../core/llm/usage.js';
import { INTERRUPTED_ERROR, MessageStatus } from '../entity/conversation-entity.js';
import type { Db } from '../extension/database.js';
import type { Logger } from '../extension/logger.js';
import { TickBatcher } from '../lib/tick-batcher.js';
import type { AgentStep } from '../core/agent/agent-types.js';
import { thoughtRows } from './agent-thoughts.js';
import type { RetrieverResource, RunContext } from './chat-types.js';

type UsageWithPrice = ReturnType<typeof usageReport>;

interface Outcome {
  answer: string;
  status: MessageStatus;
  error: string;
  usage: UsageWithPrice;
  resources: RetrieverResource[];
  /** An agent's steps, stored with the outcome. */
  steps?: AgentStep[];
}

/**
 * The rows of a chat message: written while the model starts, completed when the answer ends.
 * Concurrent answers share statements: the inserts (and, apart, the outcomes) of one turn of the
 * event loop go to the database as one statement, which is atomic on its own.
 */
export class ChatMessageStore {
  private readonly inserts = new TickBatcher<{ ctx: RunContext; messageId: string }, boolean>((items) => this.insertMany(items));
  private readonly outcomes = new TickBatcher<{ messageId: string; outcome: Outcome }, void>((items) => this.finishMany(items));

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** Conversation (when new), message and file rows; false when they could not be written (logged). */
  insert(ctx: RunContext, messageId: string): Promise<boolean> {
    return this.inserts.add({ ctx, messageId });
  }

  /** The outcome of the answer, and the conversation's last activity. */
  async finish(messageId: string, written: Promise<boolean>, outcome: Outcome): Promise<void> {
    if (!(await written)) return;
    await this.outcomes.add({ messageId, outcome });
  }

  /** One statement for the batch; when it fails, each message alone, so one bad row fails only itself. */
  private async insertMany(items: Array<{ ctx: RunContext; messageId: string }>): Promise<boolean[]> {
    try {
      await this.db.execute(insertStatement(items));
      return items.map(() => true);
    } catch (err) {
      if (items.length === 1) {
        this.logger.error({ err, messageId: items[0]!.messageId }, 'could not store the chat message');
        return [false];
      }
      return Promise.all(items.map((item) => this.insertMany([item]).then(([ok]) => ok!)));
    }
  }

  private async finishMany(items: Array<{ messageId: string; outcome: Outcome }>): Promise<void[]> {
    const rows = items.map(({ messageId, outcome: o }) => {
      const u = o.usage;
      return sql`(${messageId}::uuid, ${o.answer}::text, ${o.status}::text, ${o.error}::text, ${u.prompt_tokens}::integer,
        ${u.completion_tokens}::integer, ${u.total_tokens}::integer, ${u.totalPriceNumber}::double precision, ${u.currency}::text,
        ${u.latency}::double precision, ${u.time_to_first_token}::double precision, ${JSON.stringify(o.resources)}::jsonb)`;
    });
    const thoughts = items.flatMap(({ messageId, outcome }) => thoughtRows(messageId, outcome.steps ?? []));
    const thoughtValues = thoughts.map(
      (t) => sql`(${t.id}::uuid, ${t.messageId}::uuid, ${t.position}::smallint, ${t.thought}::text, ${t.tool}::text,
        ${JSON.stringify(t.toolLabels)}::jsonb, ${t.toolInput}::text, ${t.observation}::text, ${JSON.stringify(t.messageFiles)}::jsonb,
        ${t.tokens}::integer, ${t.latency}::double precision)`,
    );
    // Files the tools made (a drawn image) are the assistant's files of the message, listed with it like the user's.
    const madeFiles = thoughts.flatMap((t) =>
      t.messageFiles.map((id, i) => sql`(${t.messageId}::uuid, ${id}::uuid, ${t.position * 100 + i + 100}::smallint)`),
    );
    // The steps go in with the outcome, in the same statement, so an answer is never stored without them.
    const insertThoughts =
      thoughts.length > 0
        ? sql`, thoughts AS (INSERT INTO message_agent_thoughts (id, message_id, position, thought, tool, tool_labels, tool_input,
            observation, message_files, tokens, latency) VALUES ${sql.join(thoughtValues, sql`, `)})`
        : sql``;
    const insertFiles =
      madeFiles.length > 0
        ? sql`, made AS (INSERT INTO message_files (id, message_id, transfer_method, upload_file_id, belongs_to, position)
            SELECT gen_random_uuid(), v.message_id, 'local_file', v.upload_file_id, 'assistant', v.position
            FROM (VALUES ${sql.join(madeFiles, sql`, `)}) AS v (message_id, upload_file_id, position))`
        : sql``;
    await this.db.execute(sql`WITH outcome (id, answer, status, error, message_tokens, answer_tokens, total_tokens, total_price,
        currency, latency, first_token_latency, retriever_resources) AS (VALUES ${sql.join(rows, sql`, `)}),
      message AS (
        UPDATE messages SET
          answer = outcome.answer, status = outcome.status, error = outcome.error,
          message_tokens = outcome.message_tokens, answer_tokens = outcome.answer_tokens, total_tokens = outcome.total_tokens,
          total_price = outcome.total_price, currency = outcome.currency,
          latency = outcome.latency, first_token_latency = outcome.first_token_latency,
          retriever_resources = outcome.retriever_resources, updated_at = now()
        FROM outcome WHERE messages.id = outcome.id
        RETURNING messages.conversation_id
      )${insertThoughts}${insertFiles}
      UPDATE conversations SET updated_at = now() WHERE id IN (SELECT conversation_id FROM message)`);
    return items.map(() => undefined);
  }

  /**
   * Answers a dead process left running (a crash, a kill -9) become interrupted, with the reason,
   * instead of staying empty successes. Only rows started before `startedBefore`: another node's
   * live answers are younger than that.
   */
  async interruptUnfinished(startedBefore: Date): Promise<number> {
    const result = await this.db
      .execute(sql`UPDATE messages SET status = ${MessageStatus.Interrupted}, error = ${INTERRUPTED_ERROR}, updated_at = now()
      WHERE status = ${MessageStatus.Running} AND created_at < ${startedBefore.toISOString()}::timestamptz RETURNING id`);
    return result.rows.length;
  }
}

/** New conversations, messages and their files as CTEs of one INSERT: atomic, foreign keys checked at its end. */
function insertStatement(items: Array<{ ctx: RunContext; messageId: string }>): SQL {
  const conversationRows: SQL[] = [];
  const messageRows: SQL[] = [];
  const fileRows: SQL[] = [];
  for (const { ctx, messageId } of items) {
    const inputs = JSON.stringify(ctx.inputs);
    if (ctx.isNewConversation) {
      conversationRows.push(
        sql`(${ctx.conversationId}, ${ctx.appId}, ${ctx.workspaceId}, ${ctx.fromAccountId}::uuid, ${ctx.invokeFrom}, ${ctx.endUser}, ${inputs}::jsonb)`,
      );
    }
    const { provider, model } = ctx.resolved.spec;
    messageRows.push(sql`(${messageId}, ${ctx.conversationId}, ${ctx.appId}, ${ctx.workspaceId}, ${ctx.invokeFrom}, ${ctx.query},
      ${provider}, ${model}, ${ctx.endUser}, ${inputs}::jsonb, ${MessageStatus.Running})`);
    ctx.files.rows.forEach((f, i) =>
      fileRows.push(sql`(${f.id}, ${messageId}, ${f.transferMethod}, ${f.url}, ${f.uploadFileId}::uuid, ${i})`),
    );
  }
  const ctes: SQL[] = [];
  if (conversationRows.length > 0) {
    ctes.push(sql`c AS (INSERT INTO conversations (id, app_id, workspace_id, from_account_id, invoke_from, end_user, inputs)
      VALUES ${sql.join(conversationRows, sql`, `)})`);
  }
  if (fileRows.length > 0) {
    ctes.push(sql`f AS (INSERT INTO message_files (id, message_id, transfer_method, url, upload_file_id, position)
      VALUES ${sql.join(fileRows, sql`, `)})`);
  }
  const insertMessages = sql`INSERT INTO messages (id, conversation_id, app_id, workspace_id, invoke_from, query, provider, model, end_user, inputs, status)
    VALUES ${sql.join(messageRows, sql`, `)}`;
  return ctes.length > 0 ? sql`WITH ${sql.join(ctes, sql`, `)} ${insertMessages}` : insertMessages;
}
