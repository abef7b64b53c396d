import { sql, type SQL } from 'drizzle-orm';
import type { usageReport } from '../../core/llm/usage.js';
import { INTERRUPTED_ERROR, MessageStatus } from '../../entity/conversation-entity.js';
import type { Db } from '../../extension/database.js';
import type { Logger } from '../../extension/logger.js';
import { TickBatcher } from '../../lib/tick-batcher.js';
import type { AgentStep } from '../../core/agent/agent-types.js';
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

type Insert = { ctx: RunContext; messageId: string };
type Finish = { messageId: string; outcome: Outcome };
type Write = { insert: Insert } | { finish: Finish };
/** A new row: whether it was written. An outcome: true, or why it failed (it fails its answer only). */
type Written = boolean | { error: unknown };

/**
 * The rows of a chat message: written while the model starts, completed when the answer ends.
 * Concurrent answers share statements: what they write during one turn of the event loop, new rows
 * and outcomes alike, goes to the database as one statement, which is atomic on its own. On the
 * embedded database each statement has a fixed cost well above a row's, so under load sharing them
 * is most of its work per answer saved.
 */
export class ChatMessageStore {
  private readonly writes = new TickBatcher<Write, Written>((items) => this.writeMany(items));

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** Conversation (when new), message and file rows; false when they could not be written (logged). */
  insert(ctx: RunContext, messageId: string): Promise<boolean> {
    // Added one turn of the event loop later than asked, so the model's request, which the HTTP client
    // writes in the coming check phase, leaves before the row goes to the database: the row is needed
    // only by the first event, and sent first, the database's work competed with the model server for
    // the CPU and held up its answer (a model served on the same machine).
    return new Promise((resolve) => setImmediate(resolve)).then(() => this.writes.add({ insert: { ctx, messageId } }) as Promise<boolean>);
  }

  /** The outcome of the answer, and the conversation's last activity. */
  async finish(messageId: string, written: Promise<boolean>, outcome: Outcome): Promise<void> {
    if (!(await written)) return;
    const stored = await this.writes.add({ finish: { messageId, outcome } });
    if (typeof stored === 'object') throw stored.error;
  }

  /** One statement for the turn's rows and outcomes; when it fails, the two apart, so an outcome never fails for another's new row. */
  private async writeMany(items: Write[]): Promise<Written[]> {
    const inserts = items.flatMap((w) => ('insert' in w ? [w.insert] : []));
    const finishes = items.flatMap((w) => ('finish' in w ? [w.finish] : []));
    if (finishes.length === 0) return this.insertMany(inserts);
    if (inserts.length > 0) {
      const outcome = outcomeStatement(finishes);
      try {
        await this.db.execute(
          sql`WITH ${sql.join([...insertCtes(inserts), sql`m AS (${insertMessages(inserts)})`, ...outcome.ctes], sql`, `)} ${outcome.last}`,
        );
        return items.map(() => true);
      } catch (err) {
        // Told apart below: a bad new row is logged and fails only itself; a failing outcome throws.
        this.logger.warn({ err }, "a turn's chat writes failed together; writing them apart");
      }
    }
    const [inserted, finished] = await Promise.all([
      inserts.length > 0 ? this.insertMany(inserts) : [],
      this.finishMany(finishes).then(
        () => true,
        (error: unknown) => ({ error }),
      ),
    ]);
    let next = 0;
    return items.map((w) => ('insert' in w ? inserted[next++]! : finished));
  }

  /** One statement for the batch; when it fails, each message alone, so one bad row fails only itself. */
  private async insertMany(items: Insert[]): Promise<boolean[]> {
    try {
      const ctes = insertCtes(items);
      await this.db.execute(ctes.length > 0 ? sql`WITH ${sql.join(ctes, sql`, `)} ${insertMessages(items)}` : insertMessages(items));
      return items.map(() => true);
    } catch (err) {
      if (items.length === 1) {
        this.logger.error({ err, messageId: items[0]!.messageId }, 'could not store the chat message');
        return [false];
      }
      return Promise.all(items.map((item) => this.insertMany([item]).then(([ok]) => ok!)));
    }
  }

  private async finishMany(items: Finish[]): Promise<void> {
    const { ctes, last } = outcomeStatement(items);
    await this.db.execute(sql`WITH ${sql.join(ctes, sql`, `)} ${last}`);
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

/** New conversations and their messages' files, as CTEs of the statement that inserts the messages. */
function insertCtes(items: Insert[]): SQL[] {
  const conversationRows: SQL[] = [];
  const fileRows: SQL[] = [];
  for (const { ctx, messageId } of items) {
    if (ctx.isNewConversation) {
      conversationRows.push(
        sql`(${ctx.conversationId}, ${ctx.appId}, ${ctx.workspaceId}, ${ctx.fromAccountId}::uuid, ${ctx.invokeFrom}, ${ctx.endUser}, ${JSON.stringify(ctx.inputs)}::jsonb)`,
      );
    }
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
  return ctes;
}

/** The messages, running; atomic with the CTEs beside it, foreign keys checked at the statement's end. */
function insertMessages(items: Insert[]): SQL {
  const rows = items.map(({ ctx, messageId }) => {
    const { provider, model } = ctx.resolved.spec;
    return sql`(${messageId}, ${ctx.conversationId}, ${ctx.appId}, ${ctx.workspaceId}, ${ctx.invokeFrom}, ${ctx.query},
      ${provider}, ${model}, ${ctx.endUser}, ${JSON.stringify(ctx.inputs)}::jsonb, ${MessageStatus.Running})`;
  });
  return sql`INSERT INTO messages (id, conversation_id, app_id, workspace_id, invoke_from, query, provider, model, end_user, inputs, status)
    VALUES ${sql.join(rows, sql`, `)}`;
}

/** Outcomes (answer, status, usage) with an agent's steps and made files, as CTEs, and the statement that ends them. */
function outcomeStatement(items: Finish[]): { ctes: SQL[]; last: SQL } {
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
  const ctes = [
    sql`outcome (id, answer, status, error, message_tokens, answer_tokens, total_tokens, total_price,
        currency, latency, first_token_latency, retriever_resources) AS (VALUES ${sql.join(rows, sql`, `)})`,
    sql`message AS (
        UPDATE messages SET
          answer = outcome.answer, status = outcome.status, error = outcome.error,
          message_tokens = outcome.message_tokens, answer_tokens = outcome.answer_tokens, total_tokens = outcome.total_tokens,
          total_price = outcome.total_price, currency = outcome.currency,
          latency = outcome.latency, first_token_latency = outcome.first_token_latency,
          retriever_resources = outcome.retriever_resources, updated_at = now()
        FROM outcome WHERE messages.id = outcome.id
        RETURNING messages.conversation_id
      )`,
  ];
  if (thoughts.length > 0) {
    ctes.push(sql`thoughts AS (INSERT INTO message_agent_thoughts (id, message_id, position, thought, tool, tool_labels, tool_input,
            observation, message_files, tokens, latency) VALUES ${sql.join(thoughtValues, sql`, `)})`);
  }
  if (madeFiles.length > 0) {
    ctes.push(sql`made AS (INSERT INTO message_files (id, message_id, transfer_method, upload_file_id, belongs_to, position)
            SELECT gen_random_uuid(), v.message_id, 'local_file', v.upload_file_id, 'assistant', v.position
            FROM (VALUES ${sql.join(madeFiles, sql`, `)}) AS v (message_id, upload_file_id, position))`);
  }
  return { ctes, last: sql`UPDATE conversations SET updated_at = now() WHERE id IN (SELECT conversation_id FROM message)` };
}
