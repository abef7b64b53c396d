import type { AgentTool } from '../../core/agent/agent-types.js';
import { providerName } from '../../core/dsl/chat-dsl.js';
import type { Sandbox } from '../../core/sandbox/sandbox.js';
import type { KnowledgeHit } from '../../core/workflow/knowledge-node.js';
import type { ChatTurn } from '../../core/workflow/llm-node.js';
import type { NodeServices } from '../../core/workflow/node-executors.js';
import type { ToolEntry } from '../../core/workflow/tool-node.js';
import { citationOf, RetrievalStrategy } from '../../entity/dataset-entity.js';
import type { SafeFetch } from '../../lib/ssrf-fetch.js';
import type { ToolSources } from '../tools/agent-loop.js';
import type { LlmModelService } from '../models/llm-model-service.js';
import type { RetrievalService } from '../knowledge/retrieval-service.js';
import { isUuid } from '../../lib/uuid.js';
import type { WorkflowFiles } from './workflow-files.js';
import type { ToolCaller } from '../tools/workflow-tool-service.js';

/** What a run's nodes reach outside the graph through. */
export interface WorkflowReach {
  llmModels: LlmModelService;
  sandbox: Sandbox;
  fetch: SafeFetch;
  retrieval: RetrievalService;
  tools: ToolSources;
  files: WorkflowFiles;
}

/** Who a run is for, its chatflow turns, and the uploads it may read (all of the workspace's where absent: the editor's single step). */
export interface RunScope {
  caller: ToolCaller;
  history?: ChatTurn[] | undefined;
  issued?: Set<string> | undefined;
}

/** The node services of one run in a workspace: its models, datasets and tools, the sandbox, the guarded fetch. */
export function nodeServicesFor(
  reach: WorkflowReach,
  settings: { outboundTimeoutMs: number; toolTimeoutMs: number },
  workspaceId: string,
  run: RunScope,
): NodeServices {
  const { caller, history, issued } = run;
  const { llmModels } = reach;
  return {
    resolveModel: (provider, model) => llmModels.resolve(workspaceId, provider, model),
    supportsTools: async (provider, model) =>
      (await llmModels.getModel(workspaceId, provider, model).catch(() => undefined))?.features.includes('tool_call') ?? false,
    runSandboxed: (job, signal) => reach.sandbox.run(job, signal),
    fetch: reach.fetch,
    tool: (entry) => toolFor(reach, workspaceId, entry, caller),
    files: reach.files.access(workspaceId, issued),
    httpTimeoutMs: settings.outboundTimeoutMs,
    toolTimeoutMs: settings.toolTimeoutMs,
    search: (datasetIds, query, k, score) => searchKnowledge(reach.retrieval, workspaceId, datasetIds, query, k, score),
    providerName,
    ...(history ? { history } : {}),
  };
}

/** A tool node's tool, from the workspace's built-ins (with its credentials), API tools, MCP servers or workflow tools. */
async function toolFor(reach: WorkflowReach, workspaceId: string, entry: ToolEntry, caller: ToolCaller): Promise<AgentTool | undefined> {
  const { builtin, api, mcp, workflow } = reach.tools;
  if (entry.type === 'builtin_tool') return (await builtin.forApp(workspaceId, [entry]))[0];
  if (!isUuid(entry.provider_id)) return undefined;
  if (entry.type === 'workflow_tool') return (await workflow.agentTools(workspaceId, [entry], caller))[0];
  const source = entry.type === 'api_tool' ? api : mcp;
  if ((await source.missing(workspaceId, [entry])).length > 0) return undefined;
  return (await source.agentTools(workspaceId, [entry]))[0];
}

/** A knowledge node's search: datasets deleted since are skipped; the query counts in their history. */
async function searchKnowledge(
  retrieval: RetrievalService,
  workspaceId: string,
  datasetIds: string[],
  query: string,
  k: number,
  score: number,
): Promise<KnowledgeHit[]> {
  const ids = datasetIds.filter(isUuid);
  if (ids.length === 0) return [];
  const found = await retrieval.retrieve(workspaceId, ids, query, { strategy: RetrievalStrategy.Hybrid, k, score }, { lenient: true });
  retrieval.record(workspaceId, ids, query, 'app', found).catch(() => undefined);
  return found.map((segment) => ({
    content: segment.content,
    title: segment.documentName,
    metadata: { _source: 'knowledge', ...citationOf(segment) },
  }));
}
