import { sql, type SQL } from 'drizzle-orm';

/**
 * Per message `m` matching `where`: its app, UTC day, who sent it (end user, or the member whose debug conversation it is),
 * whether it is its conversation's first message of that day, and its measures. The rollup job and the live part of
 * a query read messages through this one definition, so the two always agree.
 */
export function messageFacts(where: SQL): SQL {
  return sql`SELECT m.app_id,
      (m.created_at AT TIME ZONE 'UTC')::date AS day,
      coalesce(nullif(m.end_user, ''),
        (SELECT c.from_account_id::text FROM conversations c WHERE c.id = m.conversation_id), m.workspace_id::text) AS user_key,
      NOT EXISTS (SELECT 1 FROM messages p
        WHERE p.conversation_id = m.conversation_id
          AND (p.created_at, p.id) < (m.created_at, m.id)
          AND p.created_at >= date_trunc('day', m.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS opens_day,
      m.answer_tokens, m.latency, m.total_price
    FROM messages m WHERE ${where}`;
}

/** Day sums of message facts: what one `app_daily_stats` row holds. */
export const DAY_SUMS = sql`count(*)::int AS messages, count(*) FILTER (WHERE opens_day)::int AS conversations,
  coalesce(sum(answer_tokens), 0)::bigint AS answer_tokens, coalesce(sum(latency), 0)::float8 AS latency,
  coalesce(sum(total_price), 0)::float8 AS cost`;
