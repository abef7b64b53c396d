import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpClient } from '../test/helpers/http-client.js';
import { spawnServer } from '../test/helpers/server-process.js';
import { fmt, rssMiB, summarize } from './stats.js';

/**
 * Latency and throughput of authenticated console routes on the embedded database, driven
 * over loopback from this process, against the real server in a child process.
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-bench-http-'));
const server = await spawnServer({ STORAGE_DIR: storageDir, SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl', LOG_LEVEL: 'info' });

async function run(label: string, concurrency: number, call: () => Promise<number>): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < REQUESTS) {
        const t = performance.now();
        if ((await call()) !== 200) errors += 1;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const s = summarize(latencies);
  process.stdout.write(
    `${label.padEnd(34)} c=${String(concurrency).padEnd(3)} p50 ${fmt(s.median, 2)} ms  p99 ${fmt(s.p99, 2)} ms  ${fmt(REQUESTS / seconds, 0)} req/s  errors ${errors}\n`,
  );
}

try {
  const client = new HttpClient(server.baseUrl);
  const email = `bench-${Date.now()}@example.com`;
  const registered = await client.post('/auth/register', { body: { email, password: 'bench-passw0rd', name: 'Bench' } });
  const token = registered.body.data.access_token as string;
  for (let i = 0; i < 50; i++) await client.post('/apps', { token, body: { name: `App ${i}` } });

  for (const concurrency of [1, 50]) {
    await run('GET /ping', concurrency, async () => (await client.get('/ping')).status);
    await run('GET /apps (auth + page of 20)', concurrency, async () => (await client.get('/apps', { token })).status);
    await run(
      'POST /apps (auth + insert)',
      concurrency,
      async () => (await client.post('/apps', { token, body: { name: 'Bench app' } })).status,
    );
  }
  process.stdout.write(`server RSS after the run: ${fmt(await rssMiB(server.child.pid!))} MiB\n`);
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(storageDir, { recursive: true, force: true });
}
