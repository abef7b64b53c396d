import { sql, type SQL } from 'drizzle-orm';
import type { usageReport } from '../core/llm/usage.js';
import { INTERRUPTED_ERROR, MessageStatus } from '../entity/conversation-entity.js';
import type { Db } from '../extension/database.js';
import type { Logger } from '../extension/logger.js';
import type { RetrieverResource, RunContext } from './chat-types.js';

type UsageWithPrice = ReturnType<typeof usageReport>;

/** The rows of a chat message: written while the model starts, completed when the answer ends. */
export class ChatMessageStore {
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /**
   * Conversation (when new) and message rows in one statement, while the model starts: a single
   * round trip is atomic on its own and costs a third of BEGIN / INSERT / INSERT / COMMIT.
   */
  async insert(ctx: RunContext, messageId: string): Promise<boolean> {
    const { provider, model } = ctx.resolved.spec;
    const writes: SQL[] = [];
    if (ctx.isNewConversation) {
      writes.push(sql`INSERT INTO conversations (id, app_id, account_id, invoke_from, end_user, inputs)
        VALUES (${ctx.conversationId}, ${ctx.appId}, ${ctx.accountId}, ${ctx.invokeFrom}, ${ctx.endUser}, ${JSON.stringify(ctx.inputs)}::jsonb)`);
    }
    writes.push(sql`INSERT INTO messages (id, conversation_id, app_id, account_id, invoke_from, query, provider, model, end_user, inputs, status)
      VALUES (${messageId}, ${ctx.conversationId}, ${ctx.appId}, ${ctx.accountId}, ${ctx.invokeFrom}, ${ctx.query}, ${provider}, ${model},
        ${ctx.endUser}, ${JSON.stringify(ctx.inputs)}::jsonb, ${MessageStatus.Running})`);
    if (ctx.files.rows.length > 0) {
      const values = ctx.files.rows.map(
        (f, i) => sql`(${f.id}, ${messageId}, ${f.transferMethod}, ${f.url}, ${f.uploadFileId}::uuid, ${i})`,
      );
      writes.push(
        sql`INSERT INTO message_files (id, message_id, transfer_method, url, upload_file_id, position) VALUES ${sql.join(values, sql`, `)}`,
      );
    }
    // Earlier writes become CTEs of the last, so the whole is one statement (atomic, foreign keys checked at its end).
    const statement = sql.join(
      [
        ...(writes.length > 1
          ? [
              sql`WITH `,
              sql.join(
                writes.slice(0, -1).map((w, i) => sql`${sql.raw(`w${i}`)} AS (${w})`),
                sql`, `,
              ),
              sql` `,
            ]
          : []),
        writes.at(-1)!,
      ],
      sql``,
    );
    try {
      await this.db.execute(statement);
      return true;
    } catch (err) {
      this.logger.error({ err, messageId }, 'could not store the chat message');
      return false;
    }
  }

  /** The outcome of the answer, and the conversation's last activity, in one statement. */
  async finish(
    messageId: string,
    written: Promise<boolean>,
    outcome: {
      answer: string;
      status: MessageStatus;
      error: string;
      usage: UsageWithPrice;
      resources: RetrieverResource[];
    },
  ): Promise<void> {
    if (!(await written)) return;
    const { usage } = outcome;
    await this.db.execute(sql`WITH message AS (
        UPDATE messages SET
          answer = ${outcome.answer}, status = ${outcome.status}, error = ${outcome.error},
          message_tokens = ${usage.prompt_tokens}, answer_tokens = ${usage.completion_tokens}, total_tokens = ${usage.total_tokens},
          total_price = ${usage.totalPriceNumber}, currency = ${usage.currency},
          latency = ${usage.latency}, first_token_latency = ${usage.time_to_first_token},
          retriever_resources = ${JSON.stringify(outcome.resources)}::jsonb, updated_at = now()
        WHERE id = ${messageId}
        RETURNING conversation_id
      )
      UPDATE conversations SET updated_at = now() WHERE id IN (SELECT conversation_id FROM message)`);
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
