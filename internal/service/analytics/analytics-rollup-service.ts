import { sql } from 'drizzle-orm';
import type { Db } from '../../extension/database.js';
import { DAY_SUMS, messageFacts } from './analytics-facts.js';

const STEP = sql`interval '1 day'`;

export interface RollupResult {
  /** Messages created before this are now in the rollup tables. */
  rolledUntil: Date;
  messages: number;
}

/**
 * Moves finished messages into the per-day rollup tables. A message is rolled up once it is older than
 * `delaySeconds` (longer than any chat runs, so its tokens and latency are final); the watermark advances in the
 * same transaction as the sums, so each message is counted exactly once however often or wherever this runs.
 */
export class AnalyticsRollupService {
  constructor(private readonly db: Db) {}

  async rollUp(delaySeconds: number): Promise<RollupResult> {
    let messages = 0;
    for (;;) {
      // One day per transaction: a backfill of months never holds the database for long.
      const step = await this.db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO analytics_rollup_state (id) VALUES (1) ON CONFLICT DO NOTHING`);
        const { rows } = await tx.execute(sql`WITH state AS (
            SELECT rolled_until, date_trunc('minute', now() - make_interval(secs => ${delaySeconds})) AS cutoff
            FROM analytics_rollup_state WHERE id = 1 FOR UPDATE),
          bounds AS (
            SELECT coalesce(rolled_until,
              (SELECT min(f.created_at) FROM apps a CROSS JOIN LATERAL
                (SELECT created_at FROM messages WHERE app_id = a.id ORDER BY created_at LIMIT 1) f),
              cutoff) AS lo, cutoff FROM state)
          SELECT lo, least(cutoff, lo + ${STEP}) AS hi, lo >= cutoff AS done FROM bounds`);
        const bounds = rows[0] as { lo: unknown; hi: unknown; done: boolean };
        if (bounds.done) return { done: true, until: toDate(bounds.lo), messages: 0 };
        const lo = toDate(bounds.lo).toISOString();
        const hi = toDate(bounds.hi).toISOString();
        const facts = messageFacts(sql`m.app_id = a.id AND m.created_at >= ${lo}::timestamptz AND m.created_at < ${hi}::timestamptz`);
        const { rows: counted } = await tx.execute(sql`WITH facts AS MATERIALIZED (
            SELECT f.* FROM apps a CROSS JOIN LATERAL (${facts}) f),
          stats AS (
            INSERT INTO app_daily_stats AS s (app_id, day, messages, conversations, answer_tokens, latency, cost)
            SELECT app_id, day, ${DAY_SUMS} FROM facts GROUP BY app_id, day
            ON CONFLICT (app_id, day) DO UPDATE SET messages = s.messages + excluded.messages,
              conversations = s.conversations + excluded.conversations, answer_tokens = s.answer_tokens + excluded.answer_tokens,
              latency = s.latency + excluded.latency, cost = s.cost + excluded.cost),
          users AS (
            INSERT INTO app_daily_end_users (app_id, day, user_key)
            SELECT DISTINCT app_id, day, user_key FROM facts ON CONFLICT DO NOTHING)
          SELECT count(*)::int AS messages FROM facts`);
        await tx.execute(sql`UPDATE analytics_rollup_state SET rolled_until = ${hi}::timestamptz WHERE id = 1`);
        return { done: false, until: new Date(hi), messages: Number(counted[0]?.messages ?? 0) };
      });
      messages += step.messages;
      if (step.done) return { rolledUntil: step.until, messages };
    }
  }
}

/** node-postgres and PGlite both parse timestamptz; be safe if a driver hands back text. */
function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
