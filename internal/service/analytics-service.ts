import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { pageOffset, type PageRequest } from '../../pkg/paginator/paginator.js';
import type { InvokeFrom } from '../entity/conversation-entity.js';
import type { Db } from '../extension/database.js';
import { conversations, type Conversation } from '../model/conversation.js';
import type { AppService } from './app-service.js';

const DAY_MS = 86_400_000;

export interface Metric {
  current: number;
  previous: number;
  /** One value per day of the current period, oldest first. */
  trend: Array<{ date: string; value: number }>;
}

export interface AppAnalysis {
  total_messages: Metric;
  active_end_users: Metric;
  average_messages_per_conversation: Metric;
  output_tokens_per_second: Metric;
  cost: Metric;
}

interface Totals {
  messages: number;
  users: number;
  conversations: number;
  answerTokens: number;
  latency: number;
  cost: number;
}

/** An app's usage, computed in SQL from its messages (indexed by app and time). */
export class AnalyticsService {
  constructor(
    private readonly db: Db,
    private readonly appService: AppService,
  ) {}

  /** The last `days` whole UTC days (today included) against the `days` before them. */
  async analyse(accountId: string, appId: string, now = new Date(), days = 7): Promise<AppAnalysis> {
    await this.appService.get(accountId, appId);
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS);
    const mid = new Date(end.getTime() - days * DAY_MS);
    const start = new Date(mid.getTime() - days * DAY_MS);
    // Per day for the trend, per period for totals (distinct counts do not add up across days).
    const { rows } = await this.db.execute(sql`SELECT
        to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
        CASE WHEN created_at >= ${mid.toISOString()}::timestamptz THEN 'current' ELSE 'previous' END AS period,
        count(*) AS messages,
        count(DISTINCT coalesce(nullif(end_user, ''), account_id::text)) AS users,
        count(DISTINCT conversation_id) AS conversations,
        coalesce(sum(answer_tokens), 0) AS answer_tokens,
        coalesce(sum(latency), 0) AS latency,
        coalesce(sum(total_price), 0) AS cost
      FROM messages
      WHERE app_id = ${appId} AND created_at >= ${start.toISOString()}::timestamptz AND created_at < ${end.toISOString()}::timestamptz
      GROUP BY GROUPING SETS ((day), (period))`);
    const byDay = new Map<string, Totals>();
    const byPeriod = new Map<string, Totals>();
    for (const r of rows) {
      const totals: Totals = {
        messages: Number(r.messages),
        users: Number(r.users),
        conversations: Number(r.conversations),
        answerTokens: Number(r.answer_tokens),
        latency: Number(r.latency),
        cost: Number(r.cost),
      };
      if (r.day) byDay.set(String(r.day), totals);
      else byPeriod.set(String(r.period), totals);
    }
    const dates = Array.from({ length: days }, (_, i) => new Date(mid.getTime() + i * DAY_MS).toISOString().slice(0, 10));
    const metric = (value: (t: Totals) => number): Metric => ({
      current: round(value(byPeriod.get('current') ?? EMPTY)),
      previous: round(value(byPeriod.get('previous') ?? EMPTY)),
      trend: dates.map((date) => ({ date, value: round(value(byDay.get(date) ?? EMPTY)) })),
    });
    return {
      total_messages: metric((t) => t.messages),
      active_end_users: metric((t) => t.users),
      average_messages_per_conversation: metric((t) => (t.conversations ? t.messages / t.conversations : 0)),
      output_tokens_per_second: metric((t) => (t.latency ? t.answerTokens / t.latency : 0)),
      cost: metric((t) => t.cost),
    };
  }

  /** Conversations of every source, newest activity first, with their message counts. */
  async logs(
    accountId: string,
    appId: string,
    filter: PageRequest & { start?: Date | undefined; end?: Date | undefined; invokeFrom?: InvokeFrom | undefined },
  ): Promise<{ list: Array<{ conversation: Conversation; messageCount: number }>; total: number }> {
    await this.appService.get(accountId, appId);
    const where = and(
      eq(conversations.appId, appId),
      eq(conversations.isDeleted, false),
      filter.invokeFrom ? eq(conversations.invokeFrom, filter.invokeFrom) : undefined,
      filter.start ? gte(conversations.createdAt, filter.start) : undefined,
      filter.end ? lt(conversations.createdAt, filter.end) : undefined,
    );
    const { limit, offset } = pageOffset(filter);
    const [rows, [total]] = await Promise.all([
      this.db
        .select({
          conversation: conversations,
          // Spelled out: drizzle leaves columns unqualified in a one-table query, which would bind them to the subquery.
          messageCount:
            sql<number>`(SELECT count(*) FROM messages m WHERE m.conversation_id = conversations.id AND NOT m.is_deleted)`.mapWith(Number),
        })
        .from(conversations)
        .where(where)
        .orderBy(desc(conversations.updatedAt), desc(conversations.id))
        .limit(limit)
        .offset(offset),
      this.db.select({ value: count() }).from(conversations).where(where),
    ]);
    return { list: rows, total: total?.value ?? 0 };
  }
}

const EMPTY: Totals = { messages: 0, users: 0, conversations: 0, answerTokens: 0, latency: 0, cost: 0 };

function round(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
