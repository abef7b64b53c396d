import type { Edge, Node } from '@xyflow/react';
import type { GraphNodeData } from './GraphNode';

export type FlowNode = Node<GraphNodeData>;

/** Dify's node list as React Flow wants it: a container (iteration, loop) before the nodes inside it. */
export function toFlow(graph: { nodes: unknown[]; edges: unknown[] }): { nodes: FlowNode[]; edges: Edge[] } {
  const nodes = (graph.nodes as FlowNode[]).map((n) => ({ ...n, type: n.type || 'custom' }));
  const depth = (n: FlowNode): number => (n.parentId ? 1 + depth(nodes.find((p) => p.id === n.parentId) ?? ({} as FlowNode)) : 0);
  nodes.sort((a, b) => depth(a) - depth(b));
  return { nodes, edges: graph.edges as Edge[] };
}

/** Back to Dify's shapes: React Flow's own state (selection, measurements) and run statuses stay in the browser. */
export function fromFlow(nodes: FlowNode[], edges: Edge[]) {
  return {
    nodes: nodes.map(({ selected: _s, dragging: _d, measured: _m, resizing: _r, ...node }) => {
      const { _status, _elapsed, ...data } = node.data;
      void _status;
      void _elapsed;
      return { ...node, data };
    }),
    edges: edges.map(({ selected: _s, animated: _a, ...edge }) => edge),
  };
}

let seq = 0;
export function newNodeId(): string {
  return `${Date.now()}${++seq}`;
}
