import { bigint, date, doublePrecision, integer, pgTable, primaryKey, smallint, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { apps } from './app.js';

/**
 * Messages rolled up per app and UTC day, so analytics read a row a day instead of every message.
 * `conversations` counts the conversations that had a message that day (a conversation active on two days counts on both).
 */
export const appDailyStats = pgTable(
  'app_daily_stats',
  {
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    messages: integer('messages').notNull().default(0),
    conversations: integer('conversations').notNull().default(0),
    answerTokens: bigint('answer_tokens', { mode: 'number' }).notNull().default(0),
    latency: doublePrecision('latency').notNull().default(0),
    cost: doublePrecision('cost').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.appId, t.day] })],
);

/** Who talked to an app on a day (end user, or the author's account id for the debugger): distinct users do not add up across days. */
export const appDailyEndUsers = pgTable(
  'app_daily_end_users',
  {
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    userKey: varchar('user_key', { length: 255 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.day, t.userKey] })],
);

/** One row: messages created before `rolled_until` are in the rollup tables; later ones are read live. */
export const analyticsRollupState = pgTable('analytics_rollup_state', {
  id: smallint('id').primaryKey(),
  rolledUntil: timestamp('rolled_until', { withTimezone: true, precision: 3 }),
});
