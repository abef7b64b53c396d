import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { Sandbox } from '../internal/core/sandbox/sandbox.js';
import type { SandboxJob } from '../internal/core/sandbox/sandbox-types.js';
import { runGraph } from '../internal/core/workflow/engine.js';
import type { Graph, GraphNode } from '../internal/core/workflow/graph.js';
import { nodeExecutors, type NodeServices } from '../internal/core/workflow/node-executors.js';
import { VariablePool } from '../internal/core/workflow/variable-pool.js';
import { HttpClient } from '../test/helpers/http-client.js';
import { registerAccount } from '../test/helpers/accounts.js';
import { spawnServer, type ServerProcess } from '../test/helpers/server-process.js';
import { fmt, summarize } from './stats.js';

/**
 * What the workflow engine costs, beside the work of the nodes themselves:
 *   - per plain node: a 50-node chain and 20 parallel branches of variable-aggregator nodes, in
 *     this process, against the same executors called in a bare loop (the baseline);
 *   - per template node: a 50-node chain of template-transform nodes (each a sandbox round trip);
 *   - code nodes, JavaScript and Python: cold (a new sandbox process) and warm;
 *   - through the service API: a published 50-node chain against a start -> end workflow, both run
 *     blocking on the same server (every node run is also a history row).
 *   BENCH_RUNS=200   runs per measurement
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const CHAIN = 50;
const BRANCHES = 20;
const out = (line = '') => process.stdout.write(`${line}\n`);
const row = (label: string, base: { median: number; p99: number } | undefined, value: { median: number; p99: number }, per = 1) =>
  out(
    `${label.padEnd(44)} ${(base ? fmt(base.median, 3) : '-').padStart(10)} ${fmt(value.median, 3).padStart(10)} ${fmt(value.p99, 3).padStart(10)} ${fmt((value.median - (base?.median ?? 0)) / per, 3).padStart(14)}`,
  );

const node = (id: string, data: Record<string, unknown>): GraphNode => ({ id, data: { title: id, ...data } as GraphNode['data'] });
const aggregator = (id: string, from: string) => node(id, { type: 'variable-aggregator', variables: [[from, 'value']] });
const template = (id: string, from: string) =>
  node(id, { type: 'template-transform', template: '{{ v }}!', variables: [{ variable: 'v', value_selector: [from, 'output'] }] });

/** start -> n nodes in a line -> end; each node reads the one before it. */
function chain(n: number, make: (id: string, from: string) => GraphNode, field: string): Graph {
  const nodes = [node('start', { type: 'start', variables: [] })];
  for (let i = 0; i < n; i += 1) nodes.push(make(`n${i}`, i === 0 ? 'start' : `n${i - 1}`));
  nodes.push(node('end', { type: 'end', outputs: [{ variable: 'out', value_selector: [`n${n - 1}`, field] }] }));
  return { nodes, edges: nodes.slice(1).map((n, i) => ({ source: nodes[i]!.id, target: n.id, sourceHandle: 'source' })) };
}

function parallel(width: number): Graph {
  const nodes = [node('start', { type: 'start', variables: [] })];
  const edges = [];
  for (let i = 0; i < width; i += 1) {
    nodes.push(aggregator(`b${i}`, 'start'));
    edges.push({ source: 'start', target: `b${i}`, sourceHandle: 'source' });
    edges.push({ source: `b${i}`, target: 'join', sourceHandle: 'source' });
  }
  nodes.push(node('join', { type: 'variable-aggregator', variables: nodes.slice(1).map((n) => [n.id, 'output']) }));
  nodes.push(node('end', { type: 'end', outputs: [{ variable: 'out', value_selector: ['join', 'output'] }] }));
  edges.push({ source: 'join', target: 'end', sourceHandle: 'source' });
  return { nodes, edges };
}

const sandbox = new Sandbox({ timeoutMs: 10_000, memoryMb: 128, poolSize: 2 });
const services = {
  runSandboxed: (job: SandboxJob, signal: AbortSignal) => sandbox.run(job, signal),
} as unknown as NodeServices;

async function runEngine(graph: Graph): Promise<number> {
  const started = performance.now();
  const pool = new VariablePool();
  for await (const event of runGraph(graph, pool, {
    executors: nodeExecutors({ value: 'x' }, services),
    maxSteps: 10_000,
    timeoutMs: 60_000,
    signal: new AbortController().signal,
  })) {
    if (event.type === 'run_finished' && event.status !== 'succeeded') throw new Error(`run ${event.status}: ${event.error}`);
  }
  return performance.now() - started;
}

/** The same executors, one after another, with nothing deciding what runs next: the floor. */
async function runBare(graph: Graph): Promise<number> {
  const started = performance.now();
  const pool = new VariablePool();
  const executors = nodeExecutors({ value: 'x' }, services);
  const signal = new AbortController().signal;
  const noop = () => undefined;
  const none = () => Promise.reject(new Error('no containers'));
  for (const n of graph.nodes) {
    const outcome = await executors[n.data.type]!({ node: n, pool, signal, stream: noop, emit: noop, runChildren: none });
    pool.set(n.id, outcome.outputs);
  }
  return performance.now() - started;
}

async function measure(times: number, once: () => Promise<number>) {
  for (let i = 0; i < Math.min(20, times); i += 1) await once();
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) samples.push(await once());
  return summarize(samples);
}

async function codeTimes(kind: 'javascript' | 'python', code: string) {
  const job = { kind, code, inputs: { a: 2, b: 3 } } as SandboxJob;
  const cold = new Sandbox({ timeoutMs: 10_000, memoryMb: 128, poolSize: 1 });
  const began = performance.now();
  await cold.run(job);
  const coldMs = performance.now() - began;
  const warm = await measure(RUNS, async () => {
    const t = performance.now();
    await cold.run(job);
    return performance.now() - t;
  });
  await cold.close();
  return { coldMs, warm };
}

let server: ServerProcess | undefined;
const storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-bench-workflow-'));
try {
  out(`workflow bench, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`);
  out();
  out(
    `${'in this process (ms)'.padEnd(44)} ${'baseline'.padStart(10)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'added/node'.padStart(14)}`,
  );
  const plain = chain(CHAIN, aggregator, 'output');
  row(`${CHAIN} plain nodes in a chain`, await measure(RUNS, () => runBare(plain)), await measure(RUNS, () => runEngine(plain)), CHAIN);
  const wide = parallel(BRANCHES);
  row(
    `${BRANCHES} parallel branches and a join`,
    await measure(RUNS, () => runBare(wide)),
    await measure(RUNS, () => runEngine(wide)),
    BRANCHES + 1,
  );
  const templates = chain(CHAIN, template, 'output');
  templates.nodes[1] = node('n0', { type: 'template-transform', template: 'x', variables: [] });
  const templateRuns = Math.max(10, Math.floor(RUNS / 10));
  row(`${CHAIN} template nodes (sandbox round trips)`, undefined, await measure(templateRuns, () => runEngine(templates)), CHAIN);

  const js = await codeTimes('javascript', 'function main({ a, b }) { return { sum: a + b } }');
  const py = await codeTimes('python', 'def main(a, b):\n    return {"sum": a + b}');
  out();
  out(`${'code node (ms)'.padEnd(44)} ${'cold'.padStart(10)} ${'warm p50'.padStart(10)} ${'warm p99'.padStart(10)}`);
  out(
    `${'javascript (QuickJS)'.padEnd(44)} ${fmt(js.coldMs).padStart(10)} ${fmt(js.warm.median, 3).padStart(10)} ${fmt(js.warm.p99, 3).padStart(10)}`,
  );
  out(
    `${'python3 (Pyodide)'.padEnd(44)} ${fmt(py.coldMs).padStart(10)} ${fmt(py.warm.median, 3).padStart(10)} ${fmt(py.warm.p99, 3).padStart(10)}`,
  );

  server = await spawnServer({
    STORAGE_DIR: storageDir,
    SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
    RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
  });
  const client = new HttpClient(server.baseUrl);
  const { token } = await registerAccount(client);
  const publish = async (graph: Graph) => {
    const app = (await client.post('/apps', { token, body: { name: 'Bench', mode: 'workflow' } })).body.data;
    const saved = await client.post(`/apps/${app.id}/workflows/draft`, { token, body: { graph } });
    if (saved.status !== 200) throw new Error(JSON.stringify(saved.body));
    await client.post(`/apps/${app.id}/publish`, { token });
    return (await client.post(`/apps/${app.id}/api-keys`, { token, body: {} })).body.data.key as string;
  };
  const run = (key: string) => async () => {
    const started = performance.now();
    const res = await request(`${server!.baseUrl}/v1/workflows/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ inputs: {}, user: 'bench', response_mode: 'blocking' }),
    });
    const body = await res.body.text();
    if (res.statusCode !== 200 || !body.includes('"succeeded"')) throw new Error(`run failed: ${body.slice(0, 200)}`);
    return performance.now() - started;
  };
  const minimal = await publish({
    nodes: [node('start', { type: 'start', variables: [] }), node('end', { type: 'end', outputs: [] })],
    edges: [{ source: 'start', target: 'end', sourceHandle: 'source' }],
  });
  const long = await publish(chain(CHAIN, aggregator, 'output'));
  const httpRuns = Math.max(20, Math.floor(RUNS / 4));
  out();
  out(
    `${'service API, blocking (ms)'.padEnd(44)} ${'start->end'.padStart(10)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'added/node'.padStart(14)}`,
  );
  row(`${CHAIN} plain nodes, each kept in the history`, await measure(httpRuns, run(minimal)), await measure(httpRuns, run(long)), CHAIN);
  out();
  out(
    'goals: <= 0.2 ms per plain node (engine), <= 5 ms for a warm code node; database: ' +
      (process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'embedded (PGlite)'),
  );
} finally {
  await sandbox.close();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await rm(storageDir, { recursive: true, force: true });
}
