import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { openDatabase } from '../internal/extension/database.js';
import { AnalyticsRollupService } from '../internal/service/analytics/analytics-rollup-service.js';
import { HttpClient } from '../test/helpers/http-client.js';
import { spawnServer } from '../test/helpers/server-process.js';
import { fmt, summarize } from './stats.js';

/**
 * GET /analysis/:app_id and /apps/:app_id/logs over an app with BENCH_ANALYTICS_MESSAGES (default
 * one million) messages spread over 30 days, plus another app's million, on the embedded database:
 * first with nothing rolled up (every message read live), then after the rollup job (timed) has run.
 */
const MESSAGES = Number(process.env.BENCH_ANALYTICS_MESSAGES ?? 1_000_000);
const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-bench-analytics-'));
const SECRET_KEY = 'bench-secret-key-0123456789abcdefghijkl';

// First the server makes the account and the app, then the rows go in directly while it is stopped.
let server = await spawnServer({ STORAGE_DIR: storageDir, SECRET_KEY, LOG_LEVEL: 'info' });
let client = new HttpClient(server.baseUrl);
const email = `analytics-${Date.now()}@example.com`;
const registered = await client.post('/auth/register', { body: { email, password: 'bench-passw0rd', name: 'Bench' } });
let token = registered.body.data.access_token as string;
const appIds: string[] = [];
for (const name of ['Measured', 'Neighbour']) appIds.push((await client.post('/apps', { token, body: { name } })).body.data.id);
server.child.kill('SIGTERM');
await server.exited;

const database = await openDatabase({ databaseUrl: '', storageDir, poolSize: 1, logger: pino({ level: 'silent' }), migrate: true });
const started = performance.now();
for (const appId of appIds) {
  // 20 messages per conversation, a minute apart, 5,000 end users, spread over the last 30 days (none in the future).
  await database.db.execute(sql`INSERT INTO conversations (id, app_id, workspace_id, invoke_from, end_user, created_at, updated_at)
    SELECT gen_random_uuid(), ${appId}, a.workspace_id, 'service_api', 'user-' || (g % 5000),
      now() - interval '20 minutes' - random() * interval '30 days', now()
    FROM generate_series(1, ${MESSAGES / 20}) g, (SELECT workspace_id FROM apps WHERE id = ${appId}) a`);
  await database.db.execute(sql`INSERT INTO messages (id, conversation_id, app_id, workspace_id, invoke_from, end_user, query, answer,
      answer_tokens, total_tokens, latency, total_price, created_at)
    SELECT gen_random_uuid(), c.id, c.app_id, c.workspace_id, 'service_api', c.end_user, 'q', 'a', 50, 120, 1.5, 0.0001,
      c.created_at + (n * interval '1 minute')
    FROM conversations c, generate_series(1, 20) n WHERE c.app_id = ${appId}`);
}
await database.db.execute(sql`ANALYZE`);
process.stdout.write(`inserted ${2 * MESSAGES} messages in ${fmt((performance.now() - started) / 1000)} s\n`);
await database.close();

const live = await measure('nothing rolled up', 5);
{
  // What the periodic job does (one UTC day per transaction), with the default one-hour delay.
  const db = await openDatabase({ databaseUrl: '', storageDir, poolSize: 1, logger: pino({ level: 'silent' }), migrate: true });
  const t = performance.now();
  const rolled = await new AnalyticsRollupService(db.db).rollUp(3600);
  const seconds = (performance.now() - t) / 1000;
  process.stdout.write(
    `rollup of ${rolled.messages} messages: ${fmt(seconds)} s (${fmt(rolled.messages / seconds, 0)} messages/s); ` +
      `the hour after the watermark stays live\n`,
  );
  const again = performance.now();
  await new AnalyticsRollupService(db.db).rollUp(3600);
  process.stdout.write(`a run with nothing new to roll up: ${fmt(performance.now() - again, 1)} ms\n`);
  await db.close();
}
const rolled = await measure('after the rollup', 30);
// The rollup must not change a figure (the watermark only moved past messages; today's hour is still read live).
if (JSON.stringify(live) !== JSON.stringify(rolled)) throw new Error('analysis differs after the rollup');
process.stdout.write('analysis identical before and after the rollup\n');
await rm(storageDir, { recursive: true, force: true });

async function measure(phase: string, runs: number): Promise<unknown> {
  let analysis: unknown;
  server = await spawnServer({ STORAGE_DIR: storageDir, SECRET_KEY, LOG_LEVEL: 'info' });
  try {
    process.stdout.write(`${phase}:\n`);
    client = new HttpClient(server.baseUrl);
    token = (await client.post('/auth/password-login', { body: { email, password: 'bench-passw0rd' } })).body.data.access_token;
    for (const [label, url] of [
      ['GET /analysis/:app_id', `/analysis/${appIds[0]}`],
      ['GET /apps/:app_id/logs (page 1)', `/apps/${appIds[0]}/logs`],
    ] as const) {
      const latencies: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const res = await client.get(url, { token });
        latencies.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`${label} failed: ${JSON.stringify(res.body)}`);
        if (i === 0 && label.startsWith('GET /analysis')) {
          analysis = res.body.data;
          process.stdout.write(`  current-period messages: ${res.body.data.total_messages.current}\n`);
        }
      }
      const s = summarize(latencies);
      process.stdout.write(`${label.padEnd(32)} over ${MESSAGES} messages: p50 ${fmt(s.median, 1)} ms, p99 ${fmt(s.p99, 1)} ms\n`);
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  return analysis;
}
