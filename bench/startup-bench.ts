import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnServer } from '../test/helpers/server-process.js';
import { fmt, rssMiB, summarize } from './stats.js';

/**
 * Start-up time (spawn to "ready", and the process's own figure) and idle memory of the
 * server on an embedded database that already exists, which is the everyday restart.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-bench-startup-'));
const env = { STORAGE_DIR: storageDir, SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl' };

try {
  let started = Date.now();
  const fresh = await spawnServer(env);
  const freshMs = Date.now() - started;
  fresh.child.kill('SIGTERM');
  await fresh.exited;

  const wall: number[] = [];
  const own: number[] = [];
  const idle: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    started = Date.now();
    const server = await spawnServer(env);
    wall.push(Date.now() - started);
    own.push(Number(/"startupMs":(\d+)/.exec(server.output())?.[1]));
    await new Promise((r) => setTimeout(r, 2000));
    idle.push(await rssMiB(server.child.pid!));
    server.child.kill('SIGTERM');
    await server.exited;
  }
  const w = summarize(wall);
  const o = summarize(own);
  const m = summarize(idle);
  process.stdout.write(
    [
      `startup, new embedded database:      ${freshMs} ms (spawn to ready, includes creating the database)`,
      `startup, existing embedded database: median ${w.median} ms, max ${w.max} ms (spawn to ready, ${RUNS} runs)`,
      `  as the process measures itself:    median ${o.median} ms (process start to listening)`,
      `idle RSS after start:                median ${fmt(m.median)} MiB, max ${fmt(m.max)} MiB`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(storageDir, { recursive: true, force: true });
}
