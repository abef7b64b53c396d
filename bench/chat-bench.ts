import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAKE_API_KEY } from '../test/fixtures/fake-openai-server.js';
import { HttpClient } from '../test/helpers/http-client.js';
import { spawnServer } from '../test/helpers/server-process.js';
import { fmt, peakRssMiB, summarize } from './stats.js';
import { accountOnUpstream, startUpstream } from './upstream-process.js';

/**
 * What the platform adds to a streaming chat: time to first token and total time through
 * POST /apps/:id/conversations (the debug chat) and POST /v1/chat-messages (the service API, an app key,
 * a new conversation each time), against the same request sent straight to the fake upstream.
 * Server, upstream and this client each run in their own process, on the embedded database
 * unless BENCH_DATABASE_URL names a PostgreSQL one.
 */
const REQUESTS_C1 = Number(process.env.BENCH_CHAT_REQUESTS_C1 ?? 300);
const REQUESTS_C100 = Number(process.env.BENCH_CHAT_REQUESTS_C100 ?? 3000);
const ANSWER = Array.from({ length: 24 }, (_, i) => `token${i}`).join(' ');

interface Sample {
  ttft: number;
  total: number;
  ok: boolean;
}

/** POSTs, reads the SSE body to the end, and times the first content and the end. */
async function timedStream(url: string, headers: Record<string, string>, body: unknown, isContent: (chunk: string) => boolean) {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  let ttft = 0;
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    const piece = decoder.decode(chunk, { stream: true });
    text += piece;
    if (!ttft && isContent(piece)) ttft = performance.now() - started;
  }
  return { ttft, total: performance.now() - started, ok: res.status === 200 && ttft > 0, text };
}

async function drive(requests: number, concurrency: number, one: (worker: number, i: number) => Promise<Sample>) {
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = next++; i < requests; i = next++) samples.push(await one(worker, i));
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000 };
}

function report(label: string, concurrency: number, run: { samples: Sample[]; seconds: number }) {
  const good = run.samples.filter((s) => s.ok);
  const ttft = summarize(good.map((s) => s.ttft));
  const total = summarize(good.map((s) => s.total));
  process.stdout.write(
    `${label.padEnd(9)} c=${String(concurrency).padEnd(3)} ttft p50 ${fmt(ttft.median, 2)} p99 ${fmt(ttft.p99, 2)} ms | ` +
      `total p50 ${fmt(total.median, 2)} p99 ${fmt(total.p99, 2)} ms | ${fmt(run.samples.length / run.seconds, 0)} req/s | errors ${run.samples.length - good.length}\n`,
  );
  return { ttft, total };
}

const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-bench-chat-'));
const upstream = await startUpstream();
const server = await spawnServer(
  {
    STORAGE_DIR: storageDir,
    SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
    LOG_LEVEL: 'info',
    // e.g. BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/llmops_bench to measure the scale-out database instead
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
    // One app key carries every service-API request of the run: measure the path, not the limiter's refusals.
    RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
  },
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the server's time goes
  (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
);
try {
  const client = new HttpClient(server.baseUrl);
  const token = await accountOnUpstream(client, upstream, [{ model: 'fake-chat', context_window: 32768 }]);
  // One app per concurrent client, so each streams into its own debug conversation.
  const appIds: string[] = [];
  for (let i = 0; i < 100; i++) {
    const app = await client.post('/apps', { token, body: { name: `Bench chat ${i}` } });
    appIds.push(app.body.data.id);
    await client.post(`/apps/${app.body.data.id}/draft-app-config`, {
      token,
      body: { model_config: { provider: 'openai_compatible', model: 'fake-chat', parameters: { max_tokens: 512 } }, dialog_round: 3 },
    });
  }
  const query = (i: number) => `[[reply:${ANSWER}]] bench question ${i}`;
  const direct = (_: number, i: number) =>
    timedStream(
      `${upstream.baseUrl}/chat/completions`,
      { authorization: `Bearer ${FAKE_API_KEY}` },
      { model: 'fake-chat', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: query(i) }] },
      (piece) => piece.includes('"content"'),
    );
  const viaPlatform = (worker: number, i: number) =>
    timedStream(
      `${server.baseUrl}/apps/${appIds[worker]}/conversations`,
      { authorization: `Bearer ${token}` },
      { query: query(i) },
      (piece) => piece.includes('"event":"message"'),
    );

  // The service API answers the published config, with an app key.
  await client.post(`/apps/${appIds[0]}/publish`, { token });
  const key = (await client.post(`/apps/${appIds[0]}/api-keys`, { token, body: {} })).body.data.key as string;
  const viaServiceApi = (worker: number, i: number) =>
    timedStream(
      `${server.baseUrl}/v1/chat-messages`,
      { authorization: `Bearer ${key}` },
      { query: query(i), user: `user-${worker}`, response_mode: 'streaming', inputs: {}, auto_generate_name: false },
      (piece) => piece.includes('"event":"message"'),
    );

  // Warm every path (JIT, connection pools, the first conversation rows) before measuring.
  await drive(200, 20, direct);
  await drive(200, 100, viaPlatform);
  await drive(200, 20, viaServiceApi);

  for (const [concurrency, requests] of [
    [1, REQUESTS_C1],
    [100, REQUESTS_C100],
  ] as const) {
    const base = report('direct', concurrency, await drive(requests, concurrency, direct));
    for (const [label, path] of [
      ['debug', viaPlatform],
      ['v1', viaServiceApi],
    ] as const) {
      const ours = report(label === 'debug' ? 'platform' : 'v1 api', concurrency, await drive(requests, concurrency, path));
      process.stdout.write(
        `added ${label.padEnd(5)} c=${String(concurrency).padEnd(3)} ttft p50 ${fmt(ours.ttft.median - base.ttft.median, 2)} p99 ${fmt(ours.ttft.p99 - base.ttft.p99, 2)} ms | ` +
          `total p50 ${fmt(ours.total.median - base.total.median, 2)} p99 ${fmt(ours.total.p99 - base.total.p99, 2)} ms\n`,
      );
    }
  }
  process.stdout.write(
    `server peak RSS: ${fmt(await peakRssMiB(server.child.pid!))} MiB (${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'embedded database'})\n`,
  );
} finally {
  server.child.kill('SIGTERM');
  upstream.child.kill('SIGTERM');
  await server.exited;
  await rm(storageDir, { recursive: true, force: true });
}
