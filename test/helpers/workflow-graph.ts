import type { GraphEdge, GraphNode } from '../../internal/core/workflow/graph.js';

/**
 * Workflow graphs for tests, in the two shapes they take:
 * - as the engine reads them (`internal/core/workflow/graph.ts`), for unit tests: `graphNode(id, type, data)`,
 *   `graphEdge(source, target, sourceHandle)`;
 * - as the editor saves them through the API (Dify's canvas: `type: 'custom'`, a position, the node's own
 *   fields under `data`), for integration tests: `canvasGraph()` gives `node(id, data)`, `edge(source, target,
 *   sourceHandle)` and `chain(nodes)`.
 * A full DSL file's canvas (sizes, positions, edge data) is written out where a test needs it.
 */

/** A node as the engine reads it: `data.title` is the id unless `data` says otherwise. */
export function graphNode(id: string, type: string, data: Record<string, unknown> = {}, parentId?: string): GraphNode {
  return { id, ...(parentId ? { parentId } : {}), data: { type, title: id, ...data } };
}

/** An edge as the engine reads it; `sourceHandle` picks a branch (`true`, a case id, `fail-branch`...). */
export function graphEdge(source: string, target: string, sourceHandle = 'source'): GraphEdge & { sourceHandle: string } {
  return { source, target, sourceHandle };
}

/** A node as the editor saves it; `data` holds its `type`, `title` and settings. `parentId` puts it in a container. */
export interface CanvasNode {
  id: string;
  type: 'custom';
  parentId?: string;
  position: { x: number; y: number };
  data: Record<string, unknown>;
}

export interface CanvasEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle: string;
}

export function canvasNode(id: string, data: Record<string, unknown>, parentId?: string): CanvasNode {
  return { id, type: 'custom', ...(parentId ? { parentId } : {}), position: { x: 0, y: 0 }, data };
}

export interface CanvasGraphOptions {
  /**
   * How edges are named: `source-handle-target` (the default; two edges between the same nodes differ by
   * their handle) or `source-target`, as some tests name theirs.
   */
  edgeIds?: 'source-handle-target' | 'source-target';
}

/** Builders of canvas graphs whose edges are named as `options.edgeIds` says. */
export function canvasGraph(options: CanvasGraphOptions = {}) {
  const edge = (source: string, target: string, sourceHandle = 'source'): CanvasEdge => ({
    id: options.edgeIds === 'source-target' ? `${source}-${target}` : `${source}-${sourceHandle}-${target}`,
    source,
    target,
    sourceHandle,
  });
  /** The nodes in a line, each joined to the next. */
  const chain = (nodes: CanvasNode[]) => ({ nodes, edges: nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id)) });
  return { node: canvasNode, edge, chain };
}

/** `[variable, selector]` pairs as a node's `variables` or an end node's `outputs`. */
export const selectors = (pairs: Array<[string, string[]]>) => pairs.map(([variable, value_selector]) => ({ variable, value_selector }));

/** The end node `end` of a workflow, with these outputs. */
export const canvasEnd = (outputs: Array<[string, string[]]>) =>
  canvasNode('end', { type: 'end', title: 'End', outputs: selectors(outputs) });
