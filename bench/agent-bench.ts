import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { FAKE_API_KEY } from '../test/fixtures/fake-openai-server.js';
import { HttpClient } from '../test/helpers/http-client.js';
import { spawnServer, type ServerProcess } from '../test/helpers/server-process.js';
import { drive, type Sample, type Send } from './chat-drive.js';
import { fmt, summarize } from './stats.js';
import { accountOnUpstream, startUpstream, untilUpstreamQuiet } from './upstream-process.js';

/**
 * What the platform adds per agent step, beside the model and the tool: one agent run is two model
 * calls (the first calls the calculator, the second answers after its result) and one tool call.
 * The baseline, in the same run, is a client doing that loop itself against the same upstream;
 * the difference, per model call, is the platform's cost of a step (stream in, tool, events out, rows).
 *   BENCH_LEVELS=1,50   concurrent runs
 *   BENCH_RUNS=200      runs per level
 *   BENCH_DATABASE_URL  a PostgreSQL database instead of the embedded one
 */
const LEVELS = (process.env.BENCH_LEVELS ?? '1,50').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const STEPS = 2;
const ARGS = JSON.stringify({ expression: '6 * 7' });
const DIRECTIVES = `[[tool_once:calculator:${ARGS}]][[reply:The answer is 42.]]`;
const TOOL = { type: 'function', function: { name: 'calculator', description: 'arithmetic', parameters: { type: 'object' } } };

const out = (line = '') => process.stdout.write(`${line}\n`);
const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-bench-agent-'));
const upstream = await startUpstream();
let server: ServerProcess | undefined;

/** Reads a streamed completion to its end; true when it was whole. */
async function completion(body: unknown): Promise<string> {
  const res = await request(`${upstream.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${FAKE_API_KEY}` },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`upstream answered ${res.statusCode}`);
  return text;
}

/** The loop without the platform: call, run the tool here, call again with its result. */
const direct: Send = async (_w, i, directives) => {
  const started = performance.now();
  const messages: unknown[] = [{ role: 'user', content: `${directives} question ${i}` }];
  const first = await completion({ model: 'fake-chat', stream: true, messages, tools: [TOOL] });
  const ok = first.includes('"tool_calls"');
  messages.push({
    role: 'assistant',
    content: '',
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'calculator', arguments: ARGS } }],
  });
  messages.push({ role: 'tool', tool_call_id: 'call_1', content: String(6 * 7) });
  const second = await completion({ model: 'fake-chat', stream: true, messages, tools: [TOOL] });
  const total = performance.now() - started;
  return { ttft: total, total, ok: ok && second.includes('42') };
};

try {
  out(`agent bench, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`);
  out(`database: ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'embedded (PGlite)'}; one run = ${STEPS} model calls + 1 tool call`);
  server = await spawnServer(
    {
      STORAGE_DIR: storageDir,
      SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
      RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
      // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the server's time goes
    },
    (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  );
  const client = new HttpClient(server.baseUrl);
  const token = await accountOnUpstream(client, upstream, [
    { model: 'fake-chat', context_window: 32768, features: ['tool_call', 'stream'] },
  ]);
  const app = (await client.post('/apps', { token, body: { name: 'Bench agent' } })).body.data;
  await client.post(`/apps/${app.id}/draft-app-config`, {
    token,
    body: {
      model_config: { provider: 'openai_compatible', model: 'fake-chat', parameters: { max_tokens: 256 } },
      tools: [{ type: 'builtin_tool', provider_id: 'math', tool_id: 'calculator', params: {} }],
    },
  });
  await client.post(`/apps/${app.id}/publish`, { token });
  const key = (await client.post(`/apps/${app.id}/api-keys`, { token, body: {} })).body.data.key as string;

  const platform: Send = async (_w, i, directives) => {
    const started = performance.now();
    const res = await request(`${server!.baseUrl}/v1/chat-messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: `${directives} question ${i}`, user: `u${i}`, inputs: {}, response_mode: 'streaming' }),
    });
    const text = await res.body.text();
    const total = performance.now() - started;
    const ok = res.statusCode === 200 && text.includes('"event":"agent_thought"') && text.includes('"event":"message_end"');
    return { ttft: total, total, ok };
  };

  // Warm both (JIT, pools, the first rows), then measure each level with the upstream quiet.
  await drive(100, 10, direct, DIRECTIVES);
  await drive(100, 10, platform, DIRECTIVES);
  out();
  out(
    `${'runs at once'.padEnd(13)} ${'direct p50'.padStart(11)} ${'p99'.padStart(8)} ${'platform p50'.padStart(13)} ${'p99'.padStart(8)} ${'added per step p50'.padStart(19)} ${'p99'.padStart(8)} ${'errors'.padStart(7)}`,
  );
  for (const level of LEVELS) {
    await untilUpstreamQuiet(upstream);
    const base = await drive(RUNS, level, direct, DIRECTIVES);
    await untilUpstreamQuiet(upstream);
    const run = await drive(RUNS, level, platform, DIRECTIVES);
    const times = (samples: Sample[]) => summarize(samples.filter((s) => s.ok).map((s) => s.total));
    const b = times(base.samples);
    const p = times(run.samples);
    const errors = run.samples.filter((s) => !s.ok).length + base.samples.filter((s) => !s.ok).length;
    out(
      `${String(level).padEnd(13)} ${fmt(b.median).padStart(11)} ${fmt(b.p99).padStart(8)} ${fmt(p.median).padStart(13)} ${fmt(p.p99).padStart(8)} ` +
        `${`+${fmt((p.median - b.median) / STEPS, 2)}`.padStart(19)} ${`+${fmt((p.p99 - b.p99) / STEPS, 1)}`.padStart(8)} ${String(errors).padStart(7)}`,
    );
  }
  out();
  out('times in ms; "added per step" = (platform - direct) / model calls per run; goal: p50 <= 2 ms');
} finally {
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  upstream.child.kill('SIGTERM');
  await rm(storageDir, { recursive: true, force: true });
}
