import type { SafeFetch } from '../../lib/ssrf-fetch.js';
import { basicExecutors } from './basic-nodes.js';
import { ifElseNode, variableAggregatorNode } from './branch-nodes.js';
import { codeNode, templateTransformNode, type RunSandboxed } from './code-nodes.js';
import type { NodeExecutor } from './engine.js';
import { httpRequestNode } from './http-request-node.js';
import { listOperatorNode } from './list-operator-node.js';
import { llmNode, type ModelResolver } from './llm-node.js';

/** Node types this engine runs; a graph with others can be saved and imported, not published or run. */
export const RUNNABLE_NODE_TYPES: readonly string[] = [
  'start',
  'end',
  'answer',
  'if-else',
  'variable-aggregator',
  'list-operator',
  'llm',
  'code',
  'template-transform',
  'http-request',
];

/** What nodes reach outside the graph through: models, the sandbox, the guarded fetch. */
export interface NodeServices {
  resolveModel: ModelResolver;
  runSandboxed: RunSandboxed;
  fetch: SafeFetch;
  httpTimeoutMs: number;
  providerName(id: string): string;
}

/** Every node type's executor for one run with these inputs. */
export function nodeExecutors(inputs: Record<string, unknown>, services: NodeServices): Record<string, NodeExecutor> {
  return {
    ...basicExecutors(inputs),
    'if-else': ifElseNode,
    'variable-aggregator': variableAggregatorNode,
    'list-operator': listOperatorNode,
    llm: llmNode(services.resolveModel, services.runSandboxed, services.providerName),
    code: codeNode(services.runSandboxed),
    'template-transform': templateTransformNode(services.runSandboxed),
    'http-request': httpRequestNode(services.fetch, services.httpTimeoutMs),
  };
}
