/**
 * A workflow graph in Dify's canvas shape (`workflow.graph` of a DSL file: nodes with `data.type`,
 * edges with `source`, `target`, `sourceHandle`), and the checks a draft must pass before it is
 * saved: one start, everything reachable, no cycles outside iteration and loop containers, and every
 * variable a node reads coming from a node that runs before it (or from `sys.`, `env.`,
 * `conversation.`). Each problem names the node and the field.
 */

export interface GraphNode {
  id: string;
  /** The container (iteration or loop) this node runs inside; absent at the top level. */
  parentId?: string | undefined;
  data: { type: string; title?: string | undefined } & Record<string, unknown>;
}

export interface GraphEdge {
  source: string;
  target: string;
  sourceHandle?: string | undefined;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export type WorkflowMode = 'workflow' | 'advanced-chat';

export interface GraphProblem {
  /** The node's id, where the problem is one node's. */
  node?: string | undefined;
  field: string;
  message: string;
}

/** Node types that hold a sub-graph, and the start node type of each. */
const CONTAINERS: Record<string, string> = { iteration: 'iteration-start', loop: 'loop-start' };
/** Variables of the run itself, by mode: the chat ones exist only in chatflows. */
const SYSTEM_VARIABLES: Record<WorkflowMode, readonly string[]> = {
  workflow: ['files', 'user_id', 'app_id', 'workflow_id', 'workflow_run_id'],
  'advanced-chat': ['query', 'files', 'user_id', 'conversation_id', 'dialogue_count', 'app_id', 'workflow_id', 'workflow_run_id'],
};
/** Dify's `{{#node_id.variable#}}` reference inside text. */
export const TEMPLATE_REFERENCE = /\{\{#([a-zA-Z0-9_]{1,50}(?:\.[a-zA-Z_][a-zA-Z0-9_]{0,29}){1,10})#\}\}/g;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSelector = (v: unknown): v is string[] => Array.isArray(v) && v.length >= 2 && v.every((p) => typeof p === 'string');

/** The graph read from untrusted JSON, or the problems with its shape. */
export function readGraph(raw: unknown): { graph?: Graph; problems: GraphProblem[] } {
  const problems: GraphProblem[] = [];
  if (!isObj(raw) || !Array.isArray(raw['nodes']) || !Array.isArray(raw['edges'])) {
    return { problems: [{ field: 'graph', message: 'must be an object with nodes and edges arrays' }] };
  }
  const nodes: GraphNode[] = [];
  const ids = new Set<string>();
  raw['nodes'].forEach((n: unknown, i) => {
    const data = isObj(n) ? n['data'] : undefined;
    if (!isObj(n) || typeof n['id'] !== 'string' || !n['id'] || !isObj(data) || typeof data['type'] !== 'string') {
      problems.push({ field: `graph.nodes.${i}`, message: 'a node needs an id and data.type' });
      return;
    }
    if (ids.has(n['id'])) problems.push({ node: n['id'], field: `graph.nodes.${i}.id`, message: `the id ${n['id']} is used twice` });
    ids.add(n['id']);
    const parentId = typeof n['parentId'] === 'string' ? n['parentId'] : undefined;
    nodes.push({ id: n['id'], parentId, data: data as GraphNode['data'] });
  });
  const edges: GraphEdge[] = [];
  raw['edges'].forEach((e: unknown, i) => {
    if (!isObj(e) || typeof e['source'] !== 'string' || typeof e['target'] !== 'string') {
      problems.push({ field: `graph.edges.${i}`, message: 'an edge needs a source and a target' });
      return;
    }
    for (const end of ['source', 'target'] as const) {
      if (!ids.has(e[end] as string)) problems.push({ field: `graph.edges.${i}.${end}`, message: `there is no node ${String(e[end])}` });
    }
    edges.push({
      source: e['source'],
      target: e['target'],
      sourceHandle: typeof e['sourceHandle'] === 'string' ? e['sourceHandle'] : undefined,
    });
  });
  return problems.length > 0 ? { problems } : { graph: { nodes, edges }, problems };
}

/** Everything wrong with a graph that would stop it from running, in the order found. */
export function graphProblems(graph: Graph, mode: WorkflowMode): GraphProblem[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  // Each stage's checks rely on the stages before it having found nothing.
  const placement = [...nodesOutsideContainers(graph, byId), ...edgesAcrossContainers(graph, byId)];
  if (placement.length > 0) return placement;
  const scopes = scopesOf(graph);
  const { next, previous } = linksOf(graph);
  const shape = [...[...scopes].flatMap(([scope, members]) => scopeProblems(scope, members, byId, next)), ...missingEnd(graph, mode)];
  if (shape.length > 0) return shape;
  return unreadableVariables(graph, mode, byId, scopes, previous);
}

const label = (n: GraphNode) => (n.data.title ? `${n.data.title} (${n.id})` : n.id);

/** Nodes whose parent is not an iteration or loop. */
function nodesOutsideContainers(graph: Graph, byId: ReadonlyMap<string, GraphNode>): GraphProblem[] {
  const problems: GraphProblem[] = [];
  for (const node of graph.nodes) {
    if (node.parentId !== undefined && !CONTAINERS[byId.get(node.parentId)?.data.type ?? '']) {
      problems.push({
        node: node.id,
        field: 'parentId',
        message: `${label(node)} sits in ${node.parentId}, which is not an iteration or loop`,
      });
    }
  }
  return problems;
}

/** Edges that join nodes of different scopes. */
function edgesAcrossContainers(graph: Graph, byId: ReadonlyMap<string, GraphNode>): GraphProblem[] {
  const problems: GraphProblem[] = [];
  for (const edge of graph.edges) {
    if ((byId.get(edge.source)?.parentId ?? '') !== (byId.get(edge.target)?.parentId ?? '')) {
      problems.push({
        node: edge.source,
        field: 'edges',
        message: `the edge ${edge.source} -> ${edge.target} crosses into or out of a container`,
      });
    }
  }
  return problems;
}

/** The nodes of each scope, by its container's id ('' for the top level), scopes in the order their first nodes come. */
function scopesOf(graph: Graph): Map<string, GraphNode[]> {
  const scopes = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    const scope = node.parentId ?? '';
    scopes.set(scope, [...(scopes.get(scope) ?? []), node]);
  }
  return scopes;
}

/** Where each node's edges lead, and where its incoming edges come from. */
function linksOf(graph: Graph): { next: Map<string, string[]>; previous: Map<string, string[]> } {
  const next = new Map<string, string[]>();
  const previous = new Map<string, string[]>();
  for (const e of graph.edges) {
    next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
    previous.set(e.target, [...(previous.get(e.target) ?? []), e.source]);
  }
  return { next, previous };
}

/** One scope's checks: its start node; then, from that start, the nodes it does not reach and a cycle. */
function scopeProblems(
  scope: string,
  members: readonly GraphNode[],
  byId: ReadonlyMap<string, GraphNode>,
  next: ReadonlyMap<string, string[]>,
): GraphProblem[] {
  const startType = scope === '' ? 'start' : CONTAINERS[byId.get(scope)!.data.type]!;
  const starts = members.filter((n) => n.data.type === startType);
  if (starts.length !== 1) return [startCount(scope, startType, starts.length, byId)];
  return [...unreachedNodes(members, starts[0]!, startType, next), ...cycleIn(members, next)];
}

/** A scope without exactly one start node. */
function startCount(scope: string, startType: string, count: number, byId: ReadonlyMap<string, GraphNode>): GraphProblem {
  const where = scope === '' ? 'the workflow' : label(byId.get(scope)!);
  return { node: scope || undefined, field: 'nodes', message: `${where} needs exactly one ${startType} node, not ${count}` };
}

/** Nodes of a scope that cannot be reached from its start. */
function unreachedNodes(
  members: readonly GraphNode[],
  start: GraphNode,
  startType: string,
  next: ReadonlyMap<string, string[]>,
): GraphProblem[] {
  const reached = walk(start.id, next);
  return members
    .filter((node) => !reached.has(node.id))
    .map((node) => ({ node: node.id, field: 'edges', message: `${label(node)} cannot be reached from ${startType}` }));
}

/** A cycle among a scope's nodes: repeating is what loop and iteration nodes are for. */
function cycleIn(members: readonly GraphNode[], next: ReadonlyMap<string, string[]>): GraphProblem[] {
  const cycle = findCycle(members, next);
  if (!cycle) return [];
  return [
    {
      node: cycle[0],
      field: 'edges',
      message: `a cycle runs through ${cycle.join(' -> ')}; repeat with a loop or iteration node instead`,
    },
  ];
}

/** A top level without the node that gives the run's result: an end (workflow) or an answer (chatflow). */
function missingEnd(graph: Graph, mode: WorkflowMode): GraphProblem[] {
  const ends = graph.nodes.filter((n) => !n.parentId && n.data.type === (mode === 'workflow' ? 'end' : 'answer'));
  if (ends.length > 0) return [];
  return [{ field: 'nodes', message: mode === 'workflow' ? 'a workflow needs an end node' : 'a chatflow needs an answer node' }];
}

/** Variables a node reads that will not be there when it runs, node by node, in the order it reads them. */
function unreadableVariables(
  graph: Graph,
  mode: WorkflowMode,
  byId: ReadonlyMap<string, GraphNode>,
  scopes: ReadonlyMap<string, GraphNode[]>,
  previous: ReadonlyMap<string, string[]>,
): GraphProblem[] {
  const problems: GraphProblem[] = [];
  for (const node of graph.nodes) {
    const readable = readableBy(node, byId, scopes, previous);
    for (const { selector, field } of selectorsOf(node.data)) {
      const [source, name] = selector as [string, string];
      const problem =
        source === 'sys'
          ? unknownSystemVariable(node, name, field, mode)
          : source === 'conversation'
            ? conversationVariableOutsideChat(node, name, field, mode)
            : source === 'env'
              ? undefined
              : variableNotBefore(node, selector, field, readable, byId);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/** The nodes whose variables a node may read. */
function readableBy(
  node: GraphNode,
  byId: ReadonlyMap<string, GraphNode>,
  scopes: ReadonlyMap<string, GraphNode[]>,
  previous: ReadonlyMap<string, string[]>,
): Set<string> {
  const readable = upstreamOf(node.id, byId, previous);
  // A container collects what its children make (an iteration's output_selector), and a loop's break
  // conditions read its own variables.
  for (const child of scopes.get(node.id) ?? []) readable.add(child.id);
  if (CONTAINERS[node.data.type]) readable.add(node.id);
  return readable;
}

/**
 * The nodes upstream of a node, and for a node in a container the container itself (its item and
 * index) and what is upstream of the container.
 */
function upstreamOf(id: string, byId: ReadonlyMap<string, GraphNode>, previous: ReadonlyMap<string, string[]>): Set<string> {
  const node = byId.get(id)!;
  const set = walk(id, previous);
  set.delete(id);
  if (node.parentId) {
    set.add(node.parentId);
    for (const outer of upstreamOf(node.parentId, byId, previous)) set.add(outer);
  }
  return set;
}

/** A `sys.` variable the run of this mode does not have. */
function unknownSystemVariable(node: GraphNode, name: string, field: string, mode: WorkflowMode): GraphProblem | undefined {
  if (SYSTEM_VARIABLES[mode].includes(name)) return undefined;
  return {
    node: node.id,
    field,
    message: `${label(node)} reads sys.${name}, which a ${mode === 'workflow' ? 'workflow' : 'chatflow'} does not have`,
  };
}

/** A `conversation.` variable read outside a chatflow. */
function conversationVariableOutsideChat(node: GraphNode, name: string, field: string, mode: WorkflowMode): GraphProblem | undefined {
  if (mode === 'advanced-chat') return undefined;
  return { node: node.id, field, message: `${label(node)} reads conversation.${name}; only chatflows have conversation variables` };
}

/** A node's variable read from a node that does not run before it, or is not in the graph. */
function variableNotBefore(
  node: GraphNode,
  selector: readonly string[],
  field: string,
  readable: ReadonlySet<string>,
  byId: ReadonlyMap<string, GraphNode>,
): GraphProblem | undefined {
  const source = selector[0]!;
  if (readable.has(source)) return undefined;
  const what = byId.has(source) ? `${source}, which does not run before it` : `${source}, which is not in the graph`;
  return { node: node.id, field, message: `${label(node)} reads ${selector.join('.')} from ${what}` };
}

function walk(from: string, links: ReadonlyMap<string, string[]>): Set<string> {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    for (const to of links.get(stack.pop()!) ?? []) {
      if (!seen.has(to)) {
        seen.add(to);
        stack.push(to);
      }
    }
  }
  return seen;
}

/** One cycle among these nodes (their ids in order), if any. */
function findCycle(members: readonly GraphNode[], next: ReadonlyMap<string, string[]>): string[] | undefined {
  const inScope = new Set(members.map((n) => n.id));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    path.push(id);
    for (const to of next.get(id) ?? []) {
      if (!inScope.has(to)) continue;
      if (state.get(to) === 'open') return [...path.slice(path.indexOf(to)), to];
      if (!state.has(to)) {
        const found = visit(to);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const node of members) {
    if (!state.has(node.id)) {
      const found = visit(node.id);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The variables a node reads, wherever its data keeps them: `*_selector` fields, `variables` lists of
 * selectors (variable aggregator), and `{{#node.variable#}}` inside any text.
 */
export function selectorsOf(data: Obj): Array<{ selector: string[]; field: string }> {
  const found: Array<{ selector: string[]; field: string }> = [];
  const visit = (value: unknown, field: string, key: string) => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(TEMPLATE_REFERENCE)) found.push({ selector: match[1]!.split('.'), field });
      return;
    }
    if (key.endsWith('selector') && isSelector(value)) {
      found.push({ selector: value, field });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (key === 'variables' && isSelector(item)) found.push({ selector: item, field: `${field}.${i}` });
        else visit(item, `${field}.${i}`, key);
      });
      return;
    }
    if (isObj(value)) for (const [k, v] of Object.entries(value)) visit(v, field ? `${field}.${k}` : k, k);
  };
  visit(data, '', '');
  return found;
}
