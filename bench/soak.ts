import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpClient } from '../test/helpers/http-client.js';
import { spawnServer } from '../test/helpers/server-process.js';
import { fmt, rssMiB } from './stats.js';
import { accountOnUpstream, startUpstream } from './upstream-process.js';

/**
 * `npm run soak`: SOAK_CONCURRENCY (200) streaming chats at once through the service API for
 * SOAK_SECONDS (120), each end user going on with its own conversation, against the fake upstream
 * in its own process. Reports errors (the goal is none) and the server's RSS after warm-up, at the
 * middle and at the end (the goal: under 10% growth after warm-up). Not part of CI.
 */
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 200);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
// Measured: RSS climbs for the first 60-90 s under this load (heap and the embedded database's caches settle), then stays flat.
const WARM_UP_SECONDS = Number(process.env.SOAK_WARM_UP_SECONDS ?? Math.min(60, SECONDS / 2));
const ANSWER = Array.from({ length: 24 }, (_, i) => `word${i}`).join(' ');

const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-soak-'));
const upstream = await startUpstream();
// The upstream must not outlive this script, however it ends (a failed start included).
process.on('exit', () => upstream.child.kill('SIGKILL'));
const server = await spawnServer({
  STORAGE_DIR: storageDir,
  SECRET_KEY: 'soak-secret-key-0123456789abcdefghijklmn',
  LOG_LEVEL: 'info',
  DATABASE_URL: process.env.SOAK_DATABASE_URL ?? '',
  RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
});

let chats = 0;
const errors = new Map<string, number>();
const fail = (why: string) => errors.set(why, (errors.get(why) ?? 0) + 1);

/** One streamed answer, read to the end; true when it ended with message_end. */
async function chat(baseUrl: string, key: string, user: string, conversationId: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/chat-messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `[[reply:${ANSWER}]] question from ${user}`,
      user,
      conversation_id: conversationId,
      inputs: {},
      response_mode: 'streaming',
      auto_generate_name: false,
    }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  if (!text.includes('"event":"message_end"')) throw new Error(text.includes('"event":"error"') ? 'error event' : 'no message_end');
  return /"conversation_id":"([0-9a-f-]{36})"/.exec(text)?.[1] ?? conversationId;
}

try {
  const client = new HttpClient(server.baseUrl);
  const token = await accountOnUpstream(client, upstream, [{ model: 'fake-chat', context_window: 32768 }], 'soak');
  const app = await client.post('/apps', { token, body: { name: 'Soak' } });
  const appId = app.body.data.id as string;
  await client.post(`/apps/${appId}/draft-app-config`, {
    token,
    body: { model_config: { provider: 'openai_compatible', model: 'fake-chat', parameters: { max_tokens: 256 } }, dialog_round: 3 },
  });
  await client.post(`/apps/${appId}/publish`, { token });
  const key = (await client.post(`/apps/${appId}/api-keys`, { token, body: {} })).body.data.key as string;

  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const samples: Array<{ label: string; at: number; rss: number; chats: number }> = [];
  const sample = async (label: string) => {
    samples.push({ label, at: (Date.now() - started) / 1000, rss: await rssMiB(server.child.pid!), chats });
    const last = samples.at(-1)!;
    process.stdout.write(
      `${label.padEnd(16)} t=${fmt(last.at, 0)}s RSS ${fmt(last.rss)} MiB, ${last.chats} chats, ${[...errors.values()].reduce((a, b) => a + b, 0)} errors\n`,
    );
  };
  await sample('start');
  const timers = [
    setTimeout(() => void sample('after warm-up'), WARM_UP_SECONDS * 1000),
    setTimeout(() => void sample('middle'), (WARM_UP_SECONDS + (SECONDS - WARM_UP_SECONDS) / 2) * 1000),
    // The curve between the marks, to tell a plateau from a leak.
    ...Array.from({ length: 9 }, (_, i) => setTimeout(() => void sample(`${(i + 1) * 10}%`), ((i + 1) * SECONDS * 1000) / 10)),
  ];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      let conversationId = '';
      for (let turn = 0; Date.now() < deadline; turn++) {
        // Every tenth turn starts a new conversation, so conversations do not grow without end.
        if (turn % 10 === 0) conversationId = '';
        try {
          conversationId = await chat(server.baseUrl, key, `soak-user-${worker}`, conversationId);
          chats += 1;
        } catch (err) {
          fail((err as Error).message);
        }
      }
    }),
  );
  timers.forEach(clearTimeout);
  await sample('end');

  const seconds = (Date.now() - started) / 1000;
  const warm = samples.find((s) => s.label === 'after warm-up') ?? samples[0]!;
  const end = samples.at(-1)!;
  const growth = ((end.rss - warm.rss) / warm.rss) * 100;
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(
    `\n${chats} chats in ${fmt(seconds, 0)} s at c=${CONCURRENCY} (${fmt(chats / seconds, 0)} chats/s); errors ${errorCount}${errorCount ? ` ${JSON.stringify(Object.fromEntries(errors))}` : ''} (goal 0)\n` +
      `RSS after warm-up ${fmt(warm.rss)} MiB, end ${fmt(end.rss)} MiB: growth ${fmt(growth)}% (goal under 10%)\n` +
      `${process.env.SOAK_DATABASE_URL ? 'PostgreSQL' : 'embedded database'}\n`,
  );
  process.exitCode = errorCount === 0 && growth < 10 ? 0 : 1;
} finally {
  await server.stop();
  upstream.child.kill('SIGTERM');
  await rm(storageDir, { recursive: true, force: true });
}
