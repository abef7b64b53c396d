import type { SafeFetch } from '../../lib/ssrf-fetch.js';
import { basicExecutors } from './basic-nodes.js';
import { ifElseNode, variableAggregatorNode } from './branch-nodes.js';
import { codeNode, templateTransformNode, type RunSandboxed } from './code-nodes.js';
import type { NodeExecutor } from './engine.js';
import { httpRequestNode } from './http-request-node.js';
import { listOperatorNode } from './list-operator-node.js';
import { llmNode, type ChatTurn } from './llm-node.js';
import { iterationNode, loopNode, markerNode } from './container-nodes.js';
import { assignerNode } from './assigner-node.js';
import { toolNode, type ToolLookup } from './tool-node.js';
import { parameterExtractorNode, questionClassifierNode } from './classifier-nodes.js';
import { knowledgeRetrievalNode, type KnowledgeSearch } from './knowledge-node.js';
import type { ModelAccess } from './model-call.js';
import { documentExtractorNode } from './document-extractor-node.js';
import { agentNode } from './agent-node.js';
import type { FileAccess } from './workflow-file.js';

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
  'knowledge-retrieval',
  'question-classifier',
  'parameter-extractor',
  'iteration',
  'iteration-start',
  'loop',
  'loop-start',
  'loop-end',
  'assigner',
  'tool',
  'document-extractor',
  'agent',
];

/** What nodes reach outside the graph through: models, the sandbox, the guarded fetch. */
export interface NodeServices extends ModelAccess {
  runSandboxed: RunSandboxed;
  fetch: SafeFetch;
  httpTimeoutMs: number;
  search: KnowledgeSearch;
  /** Whether the model makes function calls (the parameter extractor's better way). */
  supportsTools(provider: string, model: string): Promise<boolean>;
  tool: ToolLookup;
  /** Longest one tool call of an agent node may run. */
  toolTimeoutMs: number;
  files: FileAccess;
  /** A chatflow's earlier turns, for LLM nodes with memory. */
  history?: readonly ChatTurn[];
}

/** Every node type's executor for one run with these inputs. */
export function nodeExecutors(inputs: Record<string, unknown>, services: NodeServices): Record<string, NodeExecutor> {
  return {
    ...basicExecutors(inputs),
    'if-else': ifElseNode,
    'variable-aggregator': variableAggregatorNode,
    'list-operator': listOperatorNode,
    llm: llmNode(services, services.runSandboxed, services.files, services.history),
    'document-extractor': documentExtractorNode(services.files),
    agent: agentNode(services, services.tool, services.files, services.toolTimeoutMs, services.history),
    'knowledge-retrieval': knowledgeRetrievalNode(services.search),
    'question-classifier': questionClassifierNode(services),
    'parameter-extractor': parameterExtractorNode(services, services.supportsTools),
    code: codeNode(services.runSandboxed),
    iteration: iterationNode,
    'iteration-start': markerNode,
    loop: loopNode,
    'loop-start': markerNode,
    'loop-end': markerNode,
    assigner: assignerNode,
    tool: toolNode(services.tool, services.providerName, services.files),
    'template-transform': templateTransformNode(services.runSandboxed),
    'http-request': httpRequestNode(services.fetch, services.httpTimeoutMs),
  };
}
