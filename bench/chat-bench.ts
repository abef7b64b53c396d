import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { HttpClient } from '../test/helpers/http-client.js';
import { spawnServer, type ServerProcess } from '../test/helpers/server-process.js';
import { chatPaths, PATH_NAMES, type ChatPath, type PathName } from './chat-paths.js';
import { drive, RssSampler, type Run } from './chat-drive.js';
import { cpuMs, fmt, peakRssMiB, rssMiB, summarize } from './stats.js';
import { accountOnUpstream, startPassThroughProxy, startUpstream, untilUpstreamQuiet } from './upstream-process.js';

/**
 * What the platform adds to a streaming chat, measured against the same request sent straight to
 * the upstream in the same run: time to first token, requests per second and memory, through the
 * service API, the OpenAI endpoint, the web app and the debug chat, at 1, 50 and 500 streams at
 * once, with an instant upstream (pure overhead) and a realistic one (first token after 100 ms,
 * 64 tokens at 200 tokens/s). Then 2,000 streams held open against a slow upstream, and start-up.
 * A bare pass-through proxy is measured beside them as the limit of any hop on this machine.
 * Server, upstream and this client each run in their own process; the embedded database unless
 * BENCH_DATABASE_URL names a PostgreSQL one. Each row also shows the CPU the hop's process (the
 * server, or the bare proxy) spent per request, all threads and its main thread: on a shared machine
 * a steadier figure than the latencies, and where the embedded database's thread shows its share.
 *
 *   BENCH_LEVELS=1,50,500          concurrency levels
 *   BENCH_REQUESTS=1:200,50:1000,500:2000   requests per level
 *   BENCH_PATHS=v1,openai,webapp,debug
 *   BENCH_PROFILES=instant,realistic
 *   BENCH_OPEN_STREAMS=2000        streams held open at once (0 leaves that part out)
 */
const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(',').filter(Boolean);
const LEVELS = list(process.env.BENCH_LEVELS, '1,50,500').map(Number);
const REQUESTS = new Map(
  list(process.env.BENCH_REQUESTS, '1:200,50:1000,500:2000').map((p) => p.split(':').map(Number) as [number, number]),
);
const PATHS = list(process.env.BENCH_PATHS, PATH_NAMES.join(',')) as PathName[];
const PROFILES = list(process.env.BENCH_PROFILES, 'instant,realistic');
const OPEN_STREAMS = Number(process.env.BENCH_OPEN_STREAMS ?? 2000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? '';
/** When the server counts as idle: V8's memory reducer has run by then on a quiet process. */
const IDLE_AFTER_S = 30;
const ANSWER = Array.from({ length: 64 }, (_, i) => `token${i}`).join(' ');
/** Directives of the fake upstream: how each profile answers. */
const PROFILE_DIRECTIVES: Record<string, string> = {
  instant: `[[reply:${ANSWER}]]`,
  // 100 ms to the first token, then one token every 5 ms: about 415 ms per answer. On a fixed
  // schedule, as a remote model keeps it: chained 5 ms waits would stretch whenever the platform's
  // work on this shared machine delays the simulator's timers, and count that as the platform's.
  realistic: `[[reply:${ANSWER}]][[first_delay:100]][[pace:5]]`,
  // 1 s to the first token, then 5 tokens/s.
  slow: `[[reply:${ANSWER.split(' ').slice(0, 10).join(' ')}]][[first_delay:1000]][[pace:200]]`,
};

const out = (line = '') => process.stdout.write(`${line}\n`);
const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-bench-chat-'));
const serverEnv = {
  STORAGE_DIR: storageDir,
  SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
  LOG_LEVEL: 'info',
  DATABASE_URL,
  // One app key and one visitor carry many requests: measure the path, not the limiter's refusals.
  RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
  RATE_LIMIT_WEB_APP_VISITOR_PER_MINUTE: '1000000',
};
// e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the server's time goes
const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

const upstream = await startUpstream();
const proxy = await startPassThroughProxy(upstream);
let server: ServerProcess | undefined;
try {
  out(`chat bench, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`);
  out(`database: ${DATABASE_URL ? 'PostgreSQL' : 'embedded (PGlite)'}`);
  const startup = await measureStartup();
  server = startup.server;
  out(`start-up to answering: empty storage ${startup.emptyMs} ms, existing storage median ${startup.existingMs} ms`);
  out(`server RSS 2 s after start: ${fmt(startup.justStartedMiB)} MiB, idle (${IDLE_AFTER_S} s after start): ${fmt(startup.idleMiB)} MiB`);

  const client = new HttpClient(server.baseUrl);
  const token = await accountOnUpstream(client, upstream, [{ model: 'fake-chat', context_window: 32768 }]);
  const maxLevel = Math.max(...LEVELS, PATHS.includes('debug') ? 1 : 0);
  const paths = await chatPaths({
    client,
    token,
    server,
    upstream,
    debugApps: PATHS.includes('debug') ? maxLevel : 0,
    proxyUrl: proxy.baseUrl,
  });
  out(`server RSS idle after set-up: ${fmt(await rssMiB(server.child.pid!))} MiB`);

  // Warm every path (JIT, connection pools, the first rows) before measuring.
  for (const name of PATHS) await drive(200, 20, paths[name], PROFILE_DIRECTIVES.instant!);
  await drive(200, 20, paths.direct, PROFILE_DIRECTIVES.instant!);

  const ratios: Array<{ profile: string; level: number; path: PathName; ratio: number; p50: number; p99: number; errors: number }> = [];
  /** Highest server RSS seen while each profile ran at each level. */
  const rssAtLevel = new Map<string, number>();
  for (const profile of PROFILES) {
    out();
    out(`— ${profile} upstream —`);
    out(
      `${'path'.padEnd(8)} ${'streams'.padStart(7)} ${'req/s'.padStart(7)} ${'ratio'.padStart(6)} ` +
        `${'ttft p50'.padStart(9)} ${'p99'.padStart(8)} ${'added p50'.padStart(10)} ${'p99'.padStart(8)} ` +
        `${'end added p50'.padStart(14)} ${'errors'.padStart(6)} ${'cpu ms/req (main thread)'.padStart(24)}`,
    );
    for (const level of LEVELS) {
      const requests = REQUESTS.get(level) ?? level * 20;
      // Each run starts from the same state: the upstream quiet (no titles still being made in the
      // background), every client slot's connection, visitor and conversation already there, and the
      // server warmed by the same load (a heap V8 shrank while the direct runs went on grows back
      // first), so a run measures the steady state rather than its first seconds.
      // `hop`: the process between client and upstream, whose CPU per request the row shows.
      const measured = async (send: ChatPath, hop?: number) => {
        await drive(level * 2, level, send, PROFILE_DIRECTIVES[profile]!);
        await untilUpstreamQuiet(upstream);
        const before = hop ? await cpuMs(hop) : undefined;
        const run = await drive(requests, level, send, PROFILE_DIRECTIVES[profile]!);
        if (!hop || !before) return run;
        const after = await cpuMs(hop);
        return { ...run, cpu: { all: (after.all - before.all) / requests, main: (after.main - before.main) / requests } };
      };
      const base = row('direct', level, await measured(paths.direct));
      // The limit of any hop on this machine, for reference: a bare pass-through proxy.
      row('proxy', level, await measured(paths.proxy, proxy.child.pid), base);
      for (const name of PATHS) {
        const sampler = new RssSampler(server.child.pid!);
        const run = await measured(paths[name], server.child.pid);
        const key = `${profile} upstream, ${level} streams`;
        rssAtLevel.set(key, Math.max(rssAtLevel.get(key) ?? 0, await sampler.stop()));
        const r = row(name, level, run, base);
        ratios.push({ profile, level, path: name, ...r });
      }
    }
  }

  let open: { errors: number; peakMiB: number; seconds: number } | undefined;
  if (OPEN_STREAMS > 0) open = await holdOpen(paths.v1, OPEN_STREAMS, server.child.pid!);

  out();
  out('— summary against the targets —');
  const worst = (level: number, profile: string) => ratios.filter((r) => r.level === level && r.profile === profile);
  for (const profile of PROFILES) {
    for (const level of LEVELS) {
      const rows = worst(level, profile);
      if (rows.length === 0) continue;
      const minRatio = Math.min(...rows.map((r) => r.ratio));
      const maxP50 = Math.max(...rows.map((r) => r.p50));
      const maxP99 = Math.max(...rows.map((r) => r.p99));
      const errors = rows.reduce((n, r) => n + r.errors, 0);
      out(
        `${profile.padEnd(9)} ${String(level).padStart(3)} streams, worst path: throughput ${fmt(minRatio * 100, 1)}% of direct, ` +
          `added ttft p50 ${fmt(maxP50, 1)} ms p99 ${fmt(maxP99, 1)} ms, errors ${errors}`,
      );
    }
  }
  for (const [key, mib] of rssAtLevel) out(`server RSS, ${key}: ${fmt(mib)} MiB`);
  if (open)
    out(`${OPEN_STREAMS} open streams (slow upstream): errors ${open.errors}, server RSS ${fmt(open.peakMiB)} MiB, ${fmt(open.seconds)} s`);
  out(`server peak RSS (whole run): ${fmt(await peakRssMiB(server.child.pid!))} MiB`);
} finally {
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  upstream.child.kill('SIGTERM');
  proxy.child.kill('SIGTERM');
  await rm(storageDir, { recursive: true, force: true });
}

/** Prints one row; with `base`, the figures relative to it. */
function row(
  name: string,
  level: number,
  run: Run & { cpu?: { all: number; main: number } },
  base?: Run & { ttft: ReturnType<typeof summarize>; total: ReturnType<typeof summarize> },
) {
  const good = run.samples.filter((s) => s.ok);
  const ttft = summarize(good.map((s) => s.ttft));
  const total = summarize(good.map((s) => s.total));
  const rate = run.samples.length / run.seconds;
  const errors = run.samples.length - good.length;
  const ratio = base ? rate / (base.samples.length / base.seconds) : 1;
  const p50 = base ? ttft.median - base.ttft.median : 0;
  const p99 = base ? ttft.p99 - base.ttft.p99 : 0;
  // To the end of the answer: what the stream's tail (the last tokens, the stored outcome) adds.
  const endP50 = base ? total.median - base.total.median : 0;
  out(
    `${name.padEnd(8)} ${String(level).padStart(7)} ${fmt(rate, 1).padStart(7)} ${(base ? `${fmt(ratio * 100, 0)}%` : '').padStart(6)} ` +
      `${fmt(ttft.median, 1).padStart(9)} ${fmt(ttft.p99, 1).padStart(8)} ${(base ? `+${fmt(p50, 1)}` : '').padStart(10)} ` +
      `${(base ? `+${fmt(p99, 1)}` : '').padStart(8)} ${(base ? `+${fmt(endP50, 1)}` : '').padStart(14)} ${String(errors).padStart(6)} ` +
      `${run.cpu ? `${fmt(run.cpu.all, 2)} (${fmt(run.cpu.main, 2)})`.padStart(24) : ''}`,
  );
  return { ...run, ttft, total, ratio, p50, p99, errors };
}

/** First start on an empty storage folder, then three restarts on it; leaves the last one running. */
async function measureStartup() {
  let t = performance.now();
  let server = await spawnServer(serverEnv, nodeArgs);
  const emptyMs = Math.round(performance.now() - t);
  const restarts: number[] = [];
  for (let i = 0; i < 3; i++) {
    server.child.kill('SIGTERM');
    await server.exited;
    t = performance.now();
    server = await spawnServer(serverEnv, nodeArgs);
    restarts.push(Math.round(performance.now() - t));
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(2000);
  const justStartedMiB = await rssMiB(server.child.pid!);
  // V8 returns start-up's garbage and its grown young generation once the process has been quiet for a while.
  await sleep((IDLE_AFTER_S - 2) * 1000);
  return { server, emptyMs, existingMs: summarize(restarts).median, justStartedMiB, idleMiB: await rssMiB(server.child.pid!) };
}

/** `count` streams opened at once against a slow upstream and held until each ends. */
async function holdOpen(path: ChatPath, count: number, pid: number) {
  const sampler = new RssSampler(pid);
  const run = await drive(count, count, path, PROFILE_DIRECTIVES.slow!);
  return { errors: run.samples.filter((s) => !s.ok).length, peakMiB: await sampler.stop(), seconds: run.seconds };
}
