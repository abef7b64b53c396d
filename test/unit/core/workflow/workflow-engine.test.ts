import { describe, expect, it } from 'vitest';
import { basicExecutors } from '../../../../internal/core/workflow/basic-nodes.js';
import { runGraph, type EngineEvent, type NodeExecutor } from '../../../../internal/core/workflow/engine.js';
import type { Graph } from '../../../../internal/core/workflow/graph.js';
import { VariablePool } from '../../../../internal/core/workflow/variable-pool.js';
import { graphEdge as edge, graphNode as node } from '../../../helpers/workflow-graph.js';

async function run(
  graph: Graph,
  executors: Record<string, NodeExecutor> = {},
  options: { maxSteps?: number; signal?: AbortSignal; maxVariableBytes?: number } = {},
) {
  const pool = new VariablePool({ sys: { user_id: 'u1' } });
  const events: EngineEvent[] = [];
  for await (const event of runGraph(graph, pool, {
    executors: { ...basicExecutors({ name: 'Ann' }), ...executors },
    maxSteps: options.maxSteps ?? 500,
    timeoutMs: 10_000,
    maxVariableBytes: options.maxVariableBytes,
    signal: options.signal ?? new AbortController().signal,
  })) {
    events.push(event);
  }
  const finished = events.at(-1)!;
  if (finished.type !== 'run_finished') throw new Error('the run did not finish');
  const ran = events.flatMap((e) => (e.type === 'node_started' ? [e.node.id] : []));
  return { events, finished, ran, pool };
}

/** Resolves once `parties` callers have arrived: a sequential engine would never get there. */
function barrier(parties: number) {
  let arrived = 0;
  let open!: () => void;
  const all = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    if (++arrived === parties) open();
    await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error('the branches did not overlap')), 5000))]);
  };
}

describe('workflow engine', () => {
  it('runs a chain and gathers the end node outputs, with events in order', async () => {
    const graph = {
      nodes: [node('s', 'start'), node('e', 'end', { outputs: [{ variable: 'who', value_selector: ['s', 'name'] }] })],
      edges: [edge('s', 'e')],
    };
    const { events, finished } = await run(graph);
    expect(events.map((e) => `${e.type}${'node' in e ? `:${e.node.id}` : ''}`)).toEqual([
      'node_started:s',
      'node_finished:s',
      'node_started:e',
      'node_finished:e',
      'run_finished',
    ]);
    expect(finished).toMatchObject({ status: 'succeeded', outputs: { who: 'Ann' }, steps: 2 });
  });

  it('runs parallel branches at once and joins them once both are done', async () => {
    const meet = barrier(2);
    const branch: NodeExecutor = async ({ node }) => {
      await meet();
      return { outputs: { text: node.id } };
    };
    let joins = 0;
    const graph = {
      nodes: [
        node('s', 'start'),
        node('a', 'branch'),
        node('b', 'branch'),
        node('j', 'join'),
        node('e', 'end', {
          outputs: [
            { variable: 'a', value_selector: ['a', 'text'] },
            { variable: 'b', value_selector: ['b', 'text'] },
          ],
        }),
      ],
      edges: [edge('s', 'a'), edge('s', 'b'), edge('a', 'j'), edge('b', 'j'), edge('j', 'e')],
    };
    const { finished, ran } = await run(graph, { branch, join: async () => ({ outputs: { n: ++joins } }) });
    expect(finished).toMatchObject({ status: 'succeeded', outputs: { a: 'a', b: 'b' } });
    expect(joins).toBe(1);
    expect(ran.slice(1, 3).sort()).toEqual(['a', 'b']);
  });

  it('follows the chosen handle and skips the other branch, and everything only it leads to', async () => {
    const graph = {
      nodes: [
        node('s', 'start'),
        node('c', 'choose'),
        node('yes', 'mark'),
        node('no', 'mark'),
        node('no2', 'mark'),
        node('e', 'end', { outputs: [{ variable: 'm', value_selector: ['yes', 'mark'] }] }),
      ],
      edges: [edge('s', 'c'), edge('c', 'yes', 'true'), edge('c', 'no', 'false'), edge('no', 'no2'), edge('yes', 'e'), edge('no2', 'e')],
    };
    const { finished, ran } = await run(graph, {
      choose: async () => ({ outputs: {}, handle: 'true' }),
      mark: async ({ node }) => ({ outputs: { mark: node.id } }),
    });
    expect(ran).toEqual(['s', 'c', 'yes', 'e']);
    expect(finished).toMatchObject({ status: 'succeeded', outputs: { m: 'yes' } });
  });

  it('fails the run on a node error, naming the node, and runs nothing after it', async () => {
    const graph = {
      nodes: [node('s', 'start'), node('bad', 'boom', { title: 'Fetch prices' }), node('e', 'end')],
      edges: [edge('s', 'bad'), edge('bad', 'e')],
    };
    const { finished, ran, events } = await run(graph, {
      boom: async () => {
        throw new Error('upstream said 500');
      },
    });
    expect(finished).toMatchObject({ status: 'failed', error: 'Fetch prices: upstream said 500' });
    expect(ran).toEqual(['s', 'bad']);
    expect(events.find((e) => e.type === 'node_finished' && e.node.id === 'bad')).toMatchObject({
      status: 'failed',
      error: 'upstream said 500',
    });
  });

  it('retries a node as its retry_config says', async () => {
    let calls = 0;
    const graph = {
      nodes: [
        node('s', 'start'),
        node('flaky', 'flaky', { retry_config: { retry_enabled: true, max_retries: 2, retry_interval: 1 } }),
        node('e', 'end'),
      ],
      edges: [edge('s', 'flaky'), edge('flaky', 'e')],
    };
    const { finished, events } = await run(graph, {
      flaky: async () => {
        if (++calls < 3) throw new Error('try again');
        return { outputs: { ok: true } };
      },
    });
    expect(finished.status).toBe('succeeded');
    expect(events.find((e) => e.type === 'node_finished' && e.node.id === 'flaky')).toMatchObject({ status: 'succeeded', retries: 2 });
  });

  it('takes the fail-branch, or goes on with default values, and the run is partial-succeeded', async () => {
    const boom: NodeExecutor = async () => {
      throw new Error('no luck');
    };
    const branchGraph = {
      nodes: [
        node('s', 'start'),
        node('x', 'boom', { error_strategy: 'fail-branch' }),
        node('ok', 'end', { outputs: [{ variable: 'r', value_selector: ['x', 'result'] }] }),
        node('handler', 'end', { outputs: [{ variable: 'why', value_selector: ['x', 'error_message'] }] }),
      ],
      edges: [edge('s', 'x'), edge('x', 'ok'), edge('x', 'handler', 'fail-branch')],
    };
    const branched = await run(branchGraph, { boom });
    expect(branched.ran).toEqual(['s', 'x', 'handler']);
    expect(branched.finished).toMatchObject({ status: 'partial-succeeded', outputs: { why: 'no luck' } });

    const defaultGraph = {
      nodes: [
        node('s', 'start'),
        node('x', 'boom', { error_strategy: 'default-value', default_value: [{ key: 'result', value: 'fallback', type: 'string' }] }),
        node('e', 'end', { outputs: [{ variable: 'r', value_selector: ['x', 'result'] }] }),
      ],
      edges: [edge('s', 'x'), edge('x', 'e')],
    };
    const defaulted = await run(defaultGraph, { boom });
    expect(defaulted.finished).toMatchObject({ status: 'partial-succeeded', outputs: { r: 'fallback' } });
    expect(defaulted.events.find((e) => e.type === 'node_finished' && e.node.id === 'x')).toMatchObject({ status: 'exception' });
  });

  it('stops at the step limit, and when the caller stops it', async () => {
    const chain = {
      nodes: [node('s', 'start'), node('a', 'mark'), node('b', 'mark'), node('e', 'end')],
      edges: [edge('s', 'a'), edge('a', 'b'), edge('b', 'e')],
    };
    const mark: NodeExecutor = async () => ({ outputs: {} });
    const limited = await run(chain, { mark }, { maxSteps: 2 });
    expect(limited.finished).toMatchObject({ status: 'failed', error: 'the run reached its limit of 2 steps' });
    expect(limited.ran).toEqual(['s', 'a']);

    const stop = new AbortController();
    const waiting: NodeExecutor = ({ signal }) =>
      new Promise((_, reject) => {
        stop.abort();
        signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
      });
    const stopped = await run(chain, { mark: waiting }, { signal: stop.signal });
    expect(stopped.finished).toMatchObject({ status: 'stopped' });
    expect(stopped.ran).toEqual(['s', 'a']);
  });

  it('fails a node whose output is larger than a variable may hold, counting UTF-8 bytes and JSON, unless its error strategy catches it', async () => {
    const big: NodeExecutor = async ({ node: n }) => ({
      outputs: { small: 'ok', result: n.data['make'] === 'text' ? '€'.repeat(700) : { list: 'ab'.repeat(600) } },
    });
    const graph = (data: Record<string, unknown>) => ({
      nodes: [
        node('s', 'start'),
        node('x', 'big', data),
        node('e', 'end', { outputs: [{ variable: 'r', value_selector: ['x', 'result'] }] }),
      ],
      edges: [edge('s', 'x'), edge('x', 'e')],
    });
    // 700 euro signs are 700 UTF-16 units but 2,100 bytes.
    const text = await run(graph({ make: 'text' }), { big }, { maxVariableBytes: 2048 });
    expect(text.finished).toMatchObject({ status: 'failed', error: 'x: output result is 3 KB, over the 2 KB one variable may hold' });
    expect(text.ran).toEqual(['s', 'x']);
    const object = await run(graph({ make: 'object' }), { big }, { maxVariableBytes: 1024 });
    expect(object.finished).toMatchObject({ status: 'failed', error: 'x: output result is 2 KB, over the 1 KB one variable may hold' });
    expect((await run(graph({ make: 'text' }), { big }, { maxVariableBytes: 4096 })).finished.status).toBe('succeeded');
    const caught = await run(
      graph({ make: 'text', error_strategy: 'default-value', default_value: [{ key: 'result', value: 'cut' }] }),
      { big },
      { maxVariableBytes: 1024 },
    );
    expect(caught.finished).toMatchObject({ status: 'partial-succeeded', outputs: { r: 'cut' } });
  });

  it('renders an answer node from the pool, {{#node.var#}} and sys alike, a missing one as nothing', async () => {
    const graph = {
      nodes: [node('s', 'start'), node('a', 'answer', { answer: 'Hello {{#s.name#}} ({{#sys.user_id#}}){{#s.missing#}}' })],
      edges: [edge('s', 'a')],
    };
    const { pool } = await run(graph);
    expect(pool.get(['a', 'answer'])).toBe('Hello Ann (u1)');
  });
});
