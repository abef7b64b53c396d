import type { AgentEvent, AgentStrategy } from '../../core/agent/agent-types.js';
import type { ModelSpec } from '../../core/llm/model-catalog.js';
import type { AppConfig } from '../../entity/app-config-entity.js';
import { functionCallAgent } from '../../core/agent/function-call-agent.js';
import { reactAgent } from '../../core/agent/react-agent.js';
import type { ChatMessage, ChatStreamEvent, TokenUsage, ToolDefinition } from '../../core/llm/llm-types.js';
import { retryBeforeFirstEvent } from '../../core/llm/retry.js';
import type { AgentTool } from '../../core/agent/agent-types.js';
import type { ApiToolService } from './api-tool-service.js';
import type { BuiltinToolService } from './builtin-tool-service.js';
import type { McpServerService } from './mcp-server-service.js';
import type { WorkflowToolService } from './workflow-tool-service.js';
import type { ChatSettings, RunContext } from '../chat/chat-types.js';

/**
 * The agent loop for an app with tools: function calling where the model has the tool_call feature
 * (or the app asks for it), ReAct otherwise. Each model call is retried like a plain chat's.
 */
export interface ToolSources {
  builtin: BuiltinToolService;
  api: ApiToolService;
  mcp: McpServerService;
  workflow: WorkflowToolService;
}

export async function* agentEvents(
  ctx: RunContext,
  prompt: ChatMessage[],
  parameters: Record<string, number>,
  signal: AbortSignal,
  sources: ToolSources,
  settings: ChatSettings,
): AsyncGenerator<AgentEvent> {
  const caller = { depth: 0, endUser: ctx.endUser, accountId: ctx.fromAccountId, invokeFrom: ctx.invokeFrom };
  const [builtin, api, mcp, workflow] = await Promise.all([
    sources.builtin.forApp(ctx.workspaceId, ctx.config.tools),
    sources.api.agentTools(ctx.workspaceId, ctx.config.tools),
    sources.mcp.agentTools(ctx.workspaceId, ctx.config.tools),
    sources.workflow.agentTools(ctx.workspaceId, ctx.config.tools, caller),
  ]);
  const tools = uniqueNames([...builtin, ...api, ...mcp, ...workflow]);
  const { spec, llm } = ctx.resolved;
  const strategy = agentStrategy(ctx.config, spec);
  const run = {
    call: (messages: ChatMessage[], offered: ToolDefinition[] | undefined): AsyncIterable<ChatStreamEvent> =>
      retryBeforeFirstEvent(
        () => llm.chatStream({ model: spec.model, messages, parameters, signal, ...(offered ? { tools: offered } : {}) }),
        { retries: settings.llmMaxRetries, baseDelayMs: settings.llmRetryBaseMs },
        signal,
      ),
    messages: prompt,
    tools,
    maxIterations: ctx.config.agent_mode.max_iterations,
    toolTimeoutMs: settings.toolTimeoutMs,
    signal,
  };
  yield* strategy === 'react' ? reactAgent(run) : functionCallAgent(run);
}

/** A name the model sees once: a second tool of the same name (an API operation named like a built-in) gets a suffix. */
function uniqueNames(tools: AgentTool[]): AgentTool[] {
  const taken = new Set<string>();
  return tools.map((tool) => {
    let name = tool.name;
    for (let n = 2; taken.has(name); n++) name = `${tool.name.slice(0, 60)}_${n}`;
    taken.add(name);
    return name === tool.name ? tool : { ...tool, name };
  });
}

/** The app's strategy, or by default function calling where the model has the tool_call feature, ReAct otherwise. */
export function agentStrategy(config: AppConfig, spec: ModelSpec): AgentStrategy {
  return config.agent_mode.strategy ?? (spec.features.includes('tool_call') ? 'function_call' : 'react');
}

export function addUsage(total: TokenUsage | undefined, usage: TokenUsage): TokenUsage {
  return total
    ? { promptTokens: total.promptTokens + usage.promptTokens, completionTokens: total.completionTokens + usage.completionTokens }
    : usage;
}
