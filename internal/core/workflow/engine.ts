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
  const run = new GraphRun(graph, pool, options, container);
  run.startAtEntry();
  for (;;) {
    while (run.hasEvents()) yield run.takeEvent();
    if (run.isOver()) break;
    await run.nextChange();
  }
  yield run.finished();
}

/**
 * The state of one runGraph: one scope of the graph (the top level, or one round of a container's
 * inside), which edges are decided, the events not yet handed out, and how the run stands.
 */
class GraphRun {
  private readonly graph: Graph;
  private readonly pool: VariablePool;
  private readonly options: EngineOptions;
  private readonly container: InContainer | undefined;
  private readonly nodes: GraphNode[];
  private readonly byId: Map<string, GraphNode>;
  private readonly incoming = new Map<string, GraphEdge[]>();
  private readonly outgoing = new Map<string, GraphEdge[]>();
  private readonly decided = new Map<GraphEdge, boolean>();
  private readonly events: EngineEvent[] = [];
  /** Set while runGraph waits for something to happen. */
  private wake: (() => void) | undefined;
  private readonly stop = new AbortController();
  private readonly deadline: AbortSignal;
  private readonly signal: AbortSignal;
  private readonly counter: { steps: number };
  private running = 0;
  private failure: string | undefined;
  private exceptions = 0;
  private readonly outputs: Record<string, unknown> = {};

  constructor(graph: Graph, pool: VariablePool, options: EngineOptions, container: InContainer | undefined) {
    this.graph = graph;
    this.pool = pool;
    this.options = options;
    this.container = container;
    this.nodes = graph.nodes.filter((n) => (n.parentId ?? '') === (container?.id ?? ''));
    this.byId = new Map(this.nodes.map((n) => [n.id, n]));
    for (const edge of graph.edges) {
      if (!this.byId.has(edge.source) || !this.byId.has(edge.target)) continue;
      this.incoming.set(edge.target, [...(this.incoming.get(edge.target) ?? []), edge]);
      this.outgoing.set(edge.source, [...(this.outgoing.get(edge.source) ?? []), edge]);
    }
    this.deadline = AbortSignal.timeout(options.timeoutMs);
    this.signal = AbortSignal.any([options.signal, this.deadline, this.stop.signal]);
    this.counter = options.counter ?? { steps: 0 };
  }

  /** Starts the scope's start node (`start`, or the container's own start type). */
  startAtEntry(): void {
    // A stop or the deadline ends the wait at once; an executor still running finishes on its own, unheard.
    this.signal.addEventListener('abort', () => this.wake?.(), { once: true });
    const startType = this.container ? (CONTAINER_STARTS[this.container.type] ?? '') : 'start';
    const first = this.nodes.find((n) => n.data.type === startType);
    if (first) this.start(first);
    else this.failure = this.container ? `${this.container.id} has no ${startType} node` : 'the graph has no start node';
  }

  hasEvents(): boolean {
    return this.events.length > 0;
  }

  takeEvent(): EngineEvent {
    return this.events.shift()!;
  }

  /** Whether the run is over: no node is running, or it was stopped, timed out or failed. */
  isOver(): boolean {
    return this.running === 0 || this.signal.aborted;
  }

  /** Resolves at the next event, the end of a node, or an abort. */
  nextChange(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** The run's last event: how it ended, and the end node's outputs. */
  finished(): EngineEvent {
    const { options, failure } = this;
    const status: RunStatus = failure
      ? 'failed'
      : options.signal.aborted
        ? 'stopped'
        : this.deadline.aborted
          ? 'failed'
          : this.exceptions > 0
            ? 'partial-succeeded'
            : 'succeeded';
    const error = failure ?? (status === 'failed' ? `the run took longer than ${options.timeoutMs} ms` : undefined);
    return {
      type: 'run_finished',
      status,
      outputs: this.outputs,
      ...(error ? { error } : {}),
      steps: Math.min(this.counter.steps, options.maxSteps),
    };
  }

  private readonly emit = (event: EngineEvent): void => {
    this.events.push(event);
    this.wake?.();
  };

  /** Decides edges out of a node (taken where their handle is `handle`; all skipped when it is undefined), then their targets. */
  private decide(edges: readonly GraphEdge[], handle: string | undefined): void {
    for (const edge of edges) this.decided.set(edge, handle !== undefined && (edge.sourceHandle ?? 'source') === handle);
    for (const target of new Set(edges.map((e) => e.target))) this.startIfReady(this.byId.get(target)!);
  }

  /** Once every edge into a node is decided: starts it if one was taken, else skips it and the edges out of it. */
  private startIfReady(node: GraphNode): void {
    const edges = this.incoming.get(node.id) ?? [];
    if (!edges.every((e) => this.decided.has(e))) return;
    const taken = edges.find((e) => this.decided.get(e));
    if (taken) this.start(node, taken.source);
    else this.decide(this.outgoing.get(node.id) ?? [], undefined);
  }

  /** Counts a node run against the step limit and runs it without waiting; the main loop hears when it ends. */
  private start(node: GraphNode, predecessor?: string): void {
    if (this.failure || this.signal.aborted) return;
    if (++this.counter.steps > this.options.maxSteps) {
      this.failure = `the run reached its limit of ${this.options.maxSteps} steps`;
      this.stop.abort();
      return;
    }
    this.running += 1;
    void this.execute(node, this.counter.steps, predecessor).finally(() => {
      this.running -= 1;
      this.wake?.();
    });
  }

  /** One node run, retried as its policy says; a run that was aborted meanwhile records nothing. */
  private async execute(node: GraphNode, index: number, predecessor: string | undefined): Promise<void> {
    this.emit({ type: 'node_started', node, index, predecessor, container: this.container });
    const began = performance.now();
    const policy = policyOf(node);
    const executor = this.options.executors[node.data.type];
    let retries = 0;
    for (;;) {
      try {
        if (!executor) throw new Error(`the node type ${node.data.type} cannot run here`);
        const outcome = await executor(this.nodeRun(node));
        if (this.signal.aborted) return;
        this.succeeded(node, index, predecessor, outcome, began, retries);
        return;
      } catch (err) {
        if (this.signal.aborted) return;
        const error = err instanceof Error ? err.message : String(err);
        if (retries < policy.retries) {
          retries += 1;
          await new Promise((resolve) => setTimeout(resolve, policy.retryIntervalMs));
          continue;
        }
        this.failed(node, index, predecessor, policy, error, began, retries);
        return;
      }
    }
  }

  /** What the node's executor is given. */
  private nodeRun(node: GraphNode): NodeRun {
    const stream = (text: string, from: readonly string[] = [node.id, 'answer']) =>
      this.emit({ type: 'text_chunk', node, text, from, container: this.container });
    const runChildren = (childPool: VariablePool, round: number, childSignal: AbortSignal) =>
      this.runChildren(node, childPool, round, childSignal);
    return { node, pool: this.pool, signal: this.signal, stream, runChildren, emit: this.emit };
  }

  /** One round of a container's inside: its events pass into this run's stream; its own end is returned instead. */
  private async runChildren(node: GraphNode, childPool: VariablePool, round: number, childSignal: AbortSignal): Promise<ChildRun> {
    const inner = { id: node.id, type: node.data.type, round };
    const childOptions = { ...this.options, signal: AbortSignal.any([this.signal, childSignal]), counter: this.counter };
    let last: EngineEvent | undefined;
    const types: string[] = [];
    for await (const event of runGraph(this.graph, childPool, childOptions, inner)) {
      if (event.type === 'run_finished') last = event;
      else {
        if (event.type === 'node_started') types.push(event.node.data.type);
        this.emit(event);
      }
    }
    const end = last as Extract<EngineEvent, { type: 'run_finished' }>;
    return { status: end.status, error: end.error, ran: types };
  }

  /** Records a node's outputs (too large a value throws, to be handled as the node's error) and follows its edges. */
  private succeeded(
    node: GraphNode,
    index: number,
    predecessor: string | undefined,
    outcome: NodeOutcome,
    began: number,
    retries: number,
  ): void {
    const { options } = this;
    const oversized = options.maxVariableBytes ? oversizedVariable(outcome.outputs, options.maxVariableBytes) : undefined;
    if (oversized) throw new Error(oversized);
    this.pool.set(node.id, outcome.outputs);
    if (node.data.type === 'end') Object.assign(this.outputs, outcome.outputs);
    this.emit({
      type: 'node_finished',
      node,
      index,
      predecessor,
      container: this.container,
      status: 'succeeded',
      inputs: outcome.inputs ?? {},
      outputs: outcome.outputs,
      processData: outcome.processData,
      usage: outcome.usage,
      elapsedMs: performance.now() - began,
      retries,
    });
    this.decide(this.outgoing.get(node.id) ?? [], outcome.handle ?? 'source');
  }

  /** A node's last error: it fails the run, or (by its error strategy) becomes its outputs and picks its edges. */
  private failed(
    node: GraphNode,
    index: number,
    predecessor: string | undefined,
    policy: ErrorPolicy,
    error: string,
    began: number,
    retries: number,
  ): void {
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
      this.emit({ ...finished, status: 'failed', outputs: {} });
      this.failure = `${node.data.title ?? node.id}: ${error}`;
      this.stop.abort();
      return;
    }
    this.exceptions += 1;
    const caught = { ...(policy.strategy === 'default-value' ? policy.defaults : {}), error_message: error, error_type: 'NodeError' };
    this.pool.set(node.id, caught);
    this.emit({ ...finished, status: 'exception', outputs: caught });
    this.decide(this.outgoing.get(node.id) ?? [], policy.strategy === 'fail-branch' ? 'fail-branch' : 'source');
  }
}
