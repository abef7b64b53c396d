import type { Graph, GraphEdge, GraphNode } from './graph.js';
import { oversizedVariable, type VariablePool } from './variable-pool.js';

/** What a node's executor is given: its node, the pool to read, the run's cancellation, and a way to stream text out. */
export interface NodeRun {
  node: GraphNode;
  pool: VariablePool;
  signal: AbortSignal;
  /** Text shown as it comes (an answer, an LLM's tokens); `from` is the variable it becomes. */
  stream(text: string, from?: readonly string[]): void;
  /** A container (iteration, loop): one run of the nodes inside it, with this pool; their events pass through. */
  runChildren(pool: VariablePool, round: number, signal: AbortSignal): Promise<ChildRun>;
  /** A container's own progress (iteration_next and the like), into the run's stream. */
  emit(event: ContainerEvent): void;
}

/** How one round of a container's nodes ended. */
export interface ChildRun {
  status: RunStatus;
  error?: string | undefined;
  /** Node types that ran, in order (a loop-end among them ends a loop). */
  ran: string[];
}

/** Where a node inside a container ran: which container, and which round of it. */
export interface InContainer {
  id: string;
  type: string;
  round: number;
}

export type ContainerEvent =
  | { type: 'container_started'; node: GraphNode; inputs: Record<string, unknown> }
  | { type: 'container_next'; node: GraphNode; round: number };

/** What a node spent, as Dify's `execution_metadata` reports it. */
export interface NodeUsage {
  totalTokens: number;
  totalPrice: number;
  currency: string;
}

export interface NodeOutcome {
  inputs?: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** How the node got there (the prompts an LLM was sent, the request an HTTP node made). */
  processData?: Record<string, unknown>;
  usage?: NodeUsage;
  /** The `sourceHandle` of the edges to follow (an if-else's case id); `source` when absent. */
  handle?: string;
}

export type NodeExecutor = (run: NodeRun) => Promise<NodeOutcome>;

export type NodeStatus = 'succeeded' | 'failed' | 'exception';
export type RunStatus = 'succeeded' | 'partial-succeeded' | 'failed' | 'stopped';

export type EngineEvent =
  | ContainerEvent
  | { type: 'node_started'; node: GraphNode; index: number; predecessor: string | undefined; container?: InContainer | undefined }
  | {
      type: 'node_finished';
      node: GraphNode;
      index: number;
      predecessor: string | undefined;
      container?: InContainer | undefined;
      status: NodeStatus;
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
      processData?: Record<string, unknown> | undefined;
      usage?: NodeUsage | undefined;
      error?: string;
      elapsedMs: number;
      retries: number;
    }
  | { type: 'text_chunk'; node: GraphNode; text: string; from: readonly string[]; container?: InContainer | undefined }
  | { type: 'run_finished'; status: RunStatus; outputs: Record<string, unknown>; error?: string; steps: number };

export interface EngineOptions {
  executors: Readonly<Record<string, NodeExecutor>>;
  /** Dify's limits: at most this many node runs, and this long for the whole run. */
  maxSteps: number;
  timeoutMs: number;
  /** Largest value one variable may hold (Dify's MAX_VARIABLE_SIZE); a node whose output is larger fails. */
  maxVariableBytes?: number | undefined;
  signal: AbortSignal;
  /** Node runs so far, shared by a run and the runs of its containers' nodes. */
  counter?: { steps: number };
}

/** Start node type of each container type. */
const CONTAINER_STARTS: Record<string, string> = { iteration: 'iteration-start', loop: 'loop-start' };

interface ErrorPolicy {
  retries: number;
  retryIntervalMs: number;
  strategy: 'fail-branch' | 'default-value' | undefined;
  defaults: Record<string, unknown>;
}

const policyOf = (node: GraphNode): ErrorPolicy => {
  const retry = (node.data['retry_config'] ?? {}) as { retry_enabled?: boolean; max_retries?: number; retry_interval?: number };
  const strategy = node.data['error_strategy'];
  const defaults = Array.isArray(node.data['default_value'])
    ? Object.fromEntries((node.data['default_value'] as Array<{ key: string; value: unknown }>).map((d) => [d.key, d.value]))
    : {};
  return {
    retries: retry.retry_enabled ? Math.min(Math.max(Math.trunc(retry.max_retries ?? 0), 0), 10) : 0,
    retryIntervalMs: Math.min(Math.max(Math.trunc(retry.retry_interval ?? 0), 0), 5000),
    strategy: strategy === 'fail-branch' || strategy === 'default-value' ? strategy : undefined,
    defaults,
  };
};

/**
 * Runs the top level of a checked graph (see graph.ts): a node starts as soon as every edge into it
 * is decided and at least one was taken, so parallel branches run at once and join where they meet;
 * a node whose incoming edges were all skipped is skipped, and so are the edges out of it. Events
 * come out in the order things happen. A failing node fails the run unless its error strategy
 * (`fail-branch`, `default-value`) or retries (`retry_config`) say otherwise.
 */
export async function* runGraph(
  graph: Graph,
  pool: VariablePool,
  options: EngineOptions,
  container?: InContainer,
): AsyncGenerator<EngineEvent> {
  const nodes = graph.nodes.filter((n) => (n.parentId ?? '') === (container?.id ?? ''));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    if (!byId.has(edge.source) || !byId.has(edge.target)) continue;
    incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge]);
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge]);
  }
  const decided = new Map<GraphEdge, boolean>();
  const events: EngineEvent[] = [];
  let wake: (() => void) | undefined;
  const emit = (event: EngineEvent) => {
    events.push(event);
    wake?.();
  };
  const stop = new AbortController();
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, deadline, stop.signal]);
  const counter = options.counter ?? { steps: 0 };
  const ran: string[] = [];
  let running = 0;
  let failure: string | undefined;
  let exceptions = 0;
  const outputs: Record<string, unknown> = {};

  const decide = (edges: readonly GraphEdge[], handle: string | undefined) => {
    for (const edge of edges) decided.set(edge, handle !== undefined && (edge.sourceHandle ?? 'source') === handle);
    for (const target of new Set(edges.map((e) => e.target))) consider(byId.get(target)!);
  };
  const consider = (node: GraphNode) => {
    const edges = incoming.get(node.id) ?? [];
    if (!edges.every((e) => decided.has(e))) return;
    const taken = edges.find((e) => decided.get(e));
    if (taken) start(node, taken.source);
    else decide(outgoing.get(node.id) ?? [], undefined);
  };
  const start = (node: GraphNode, predecessor?: string) => {
    if (failure || signal.aborted) return;
    if (++counter.steps > options.maxSteps) {
      failure = `the run reached its limit of ${options.maxSteps} steps`;
      stop.abort();
      return;
    }
    running += 1;
    ran.push(node.data.type);
    void execute(node, counter.steps, predecessor).finally(() => {
      running -= 1;
      wake?.();
    });
  };
  const execute = async (node: GraphNode, index: number, predecessor: string | undefined) => {
    emit({ type: 'node_started', node, index, predecessor, container });
    const began = performance.now();
    const policy = policyOf(node);
    const executor = options.executors[node.data.type];
    let retries = 0;
    for (;;) {
      try {
        if (!executor) throw new Error(`the node type ${node.data.type} cannot run here`);
        const stream = (text: string, from: readonly string[] = [node.id, 'answer']) =>
          emit({ type: 'text_chunk', node, text, from, container });
        const runChildren = async (childPool: VariablePool, round: number, childSignal: AbortSignal): Promise<ChildRun> => {
          const inner = { id: node.id, type: node.data.type, round };
          const childOptions = { ...options, signal: AbortSignal.any([signal, childSignal]), counter };
          let last: EngineEvent | undefined;
          const types: string[] = [];
          for await (const event of runGraph(graph, childPool, childOptions, inner)) {
            if (event.type === 'run_finished') last = event;
            else {
              if (event.type === 'node_started') types.push(event.node.data.type);
              emit(event);
            }
          }
          const end = last as Extract<EngineEvent, { type: 'run_finished' }>;
          return { status: end.status, error: end.error, ran: types };
        };
        const outcome = await executor({ node, pool, signal, stream, runChildren, emit });
        if (signal.aborted) return;
        const oversized = options.maxVariableBytes ? oversizedVariable(outcome.outputs, options.maxVariableBytes) : undefined;
        if (oversized) throw new Error(oversized);
        pool.set(node.id, outcome.outputs);
        if (node.data.type === 'end') Object.assign(outputs, outcome.outputs);
        emit({
          type: 'node_finished',
          node,
          index,
          predecessor,
          container,
          status: 'succeeded',
          inputs: outcome.inputs ?? {},
          outputs: outcome.outputs,
          processData: outcome.processData,
          usage: outcome.usage,
          elapsedMs: performance.now() - began,
          retries,
        });
        decide(outgoing.get(node.id) ?? [], outcome.handle ?? 'source');
        return;
      } catch (err) {
        if (signal.aborted) return;
        const error = err instanceof Error ? err.message : String(err);
        if (retries < policy.retries) {
          retries += 1;
          await new Promise((resolve) => setTimeout(resolve, policy.retryIntervalMs));
          continue;
        }
        const finished = {
          type: 'node_finished' as const,
          node,
          index,
          predecessor,
          inputs: {},
          error,
          elapsedMs: performance.now() - began,
          retries,
        };
        if (!policy.strategy) {
          emit({ ...finished, status: 'failed', outputs: {} });
          failure = `${node.data.title ?? node.id}: ${error}`;
          stop.abort();
          return;
        }
        exceptions += 1;
        const caught = { ...(policy.strategy === 'default-value' ? policy.defaults : {}), error_message: error, error_type: 'NodeError' };
        pool.set(node.id, caught);
        emit({ ...finished, status: 'exception', outputs: caught });
        decide(outgoing.get(node.id) ?? [], policy.strategy === 'fail-branch' ? 'fail-branch' : 'source');
        return;
      }
    }
  };

  // A stop or the deadline ends the wait at once; an executor still running finishes on its own, unheard.
  signal.addEventListener('abort', () => wake?.(), { once: true });
  const startType = container ? (CONTAINER_STARTS[container.type] ?? '') : 'start';
  const first = nodes.find((n) => n.data.type === startType);
  if (first) start(first);
  else failure = container ? `${container.id} has no ${startType} node` : 'the graph has no start node';
  for (;;) {
    while (events.length > 0) yield events.shift()!;
    if (running === 0 || signal.aborted) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
  const status: RunStatus = failure
    ? 'failed'
    : options.signal.aborted
      ? 'stopped'
      : deadline.aborted
        ? 'failed'
        : exceptions > 0
          ? 'partial-succeeded'
          : 'succeeded';
  const error = failure ?? (status === 'failed' ? `the run took longer than ${options.timeoutMs} ms` : undefined);
  yield { type: 'run_finished', status, outputs, ...(error ? { error } : {}), steps: Math.min(counter.steps, options.maxSteps) };
}
