import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { pageOffset, type PageRequest } from '../../../pkg/paginator/paginator.js';
import type { InvokeFrom } from '../../entity/conversation-entity.js';
import type { Db } from '../../extension/database.js';
import { conversations, type Conversation } from '../../model/conversation.js';
import { DAY_SUMS, messageFacts } from './analytics-facts.js';
import type { AppService } from '../apps/app-service.js';

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
  /** Messages per conversation active that day (as Dify counts it); for a period, a conversation counts once per active day. */
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

/** An app's usage, computed in SQL from the daily rollup of its messages plus the messages not rolled up yet. */
export class AnalyticsService {
  constructor(
    private readonly db: Db,
    private readonly appService: AppService,
  ) {}

  /** The last `days` whole UTC days (today included) against the `days` before them. */
  async analyse(workspaceId: string, appId: string, now = new Date(), days = 7): Promise<AppAnalysis> {
    await this.appService.get(workspaceId, appId);
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS);
    const mid = new Date(end.getTime() - days * DAY_MS);
    const start = new Date(mid.getTime() - days * DAY_MS);
    const startDay = start.toISOString().slice(0, 10);
    const endDay = end.toISOString().slice(0, 10);
    const midDay = mid.toISOString().slice(0, 10);
    // Days already rolled up come from the rollup tables; messages after the watermark are read live, through the
    // same definition of a message's facts. Sums add up per day; distinct users are counted per day and per period.
    const live = messageFacts(sql`m.app_id = ${appId}
      AND m.created_at >= greatest(${start.toISOString()}::timestamptz, (SELECT rolled FROM state))
      AND m.created_at < ${end.toISOString()}::timestamptz`);
    const { rows } = await this.db.execute(sql`WITH
      state AS (SELECT coalesce(max(rolled_until), '-infinity') AS rolled FROM analytics_rollup_state),
      facts AS MATERIALIZED (${live}),
      daily AS (
        SELECT day, messages, conversations, answer_tokens, latency, cost FROM app_daily_stats
        WHERE app_id = ${appId} AND day >= ${startDay}::date AND day < ${endDay}::date
        UNION ALL
        SELECT day, ${DAY_SUMS} FROM facts GROUP BY day),
      users AS (
        SELECT day, user_key FROM app_daily_end_users
        WHERE app_id = ${appId} AND day >= ${startDay}::date AND day < ${endDay}::date
        UNION
        SELECT day, user_key FROM facts)
      SELECT to_char(day, 'YYYY-MM-DD') AS key, sum(messages)::float8 AS messages, sum(conversations)::float8 AS conversations,
        sum(answer_tokens)::float8 AS answer_tokens, sum(latency)::float8 AS latency, sum(cost)::float8 AS cost, NULL::float8 AS users
      FROM daily GROUP BY day
      UNION ALL
      SELECT coalesce(to_char(day, 'YYYY-MM-DD'), period), NULL, NULL, NULL, NULL, NULL, count(*)::float8
      FROM (SELECT day, CASE WHEN day >= ${midDay}::date THEN 'current' ELSE 'previous' END AS period, user_key FROM users) u
      GROUP BY GROUPING SETS ((day), (period))`);
    const byDay = new Map<string, Totals>();
    const users = new Map<string, number>();
    for (const r of rows) {
      const key = String(r.key);
      if (r.users !== null) {
        users.set(key, Number(r.users));
        continue;
      }
      byDay.set(key, {
        messages: Number(r.messages),
        users: 0,
        conversations: Number(r.conversations),
        answerTokens: Number(r.answer_tokens),
        latency: Number(r.latency),
        cost: Number(r.cost),
      });
    }
    const dayTotals = (date: string): Totals => ({ ...(byDay.get(date) ?? EMPTY), users: users.get(date) ?? 0 });
    const periodTotals = (dates: string[], period: string): Totals => ({
      ...dates.map(dayTotals).reduce(add, EMPTY),
      users: users.get(period) ?? 0,
    });
    const daysFrom = (from: Date) =>
      Array.from({ length: days }, (_, i) => new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10));
    const dates = daysFrom(mid);
    const current = periodTotals(dates, 'current');
    const previous = periodTotals(daysFrom(start), 'previous');
    const metric = (value: (t: Totals) => number): Metric => ({
      current: round(value(current)),
      previous: round(value(previous)),
      trend: dates.map((date) => ({ date, value: round(value(dayTotals(date))) })),
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
    workspaceId: string,
    appId: string,
    filter: PageRequest & { start?: Date | undefined; end?: Date | undefined; invokeFrom?: InvokeFrom | undefined },
  ): Promise<{ list: Array<{ conversation: Conversation; messageCount: number }>; total: number }> {
    await this.appService.get(workspaceId, appId);
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

function add(a: Totals, b: Totals): Totals {
  return {
    messages: a.messages + b.messages,
    users: a.users + b.users,
    conversations: a.conversations + b.conversations,
    answerTokens: a.answerTokens + b.answerTokens,
    latency: a.latency + b.latency,
    cost: a.cost + b.cost,
  };
}

function round(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
