import type { AgentEvent } from '../core/agent/agent-types.js';
import { functionCallAgent } from '../core/agent/function-call-agent.js';
import { reactAgent } from '../core/agent/react-agent.js';
import type { ChatMessage, ChatStreamEvent, TokenUsage, ToolDefinition } from '../core/llm/llm-types.js';
import { retryBeforeFirstEvent } from '../core/llm/retry.js';
import type { BuiltinToolService } from './builtin-tool-service.js';
import type { ChatSettings, RunContext } from './chat-types.js';

/**
 * The agent loop for an app with tools: function calling where the model has the tool_call feature
 * (or the app asks for it), ReAct otherwise. Each model call is retried like a plain chat's.
 */
export function agentEvents(
  ctx: RunContext,
  prompt: ChatMessage[],
  parameters: Record<string, number>,
  signal: AbortSignal,
  tools: BuiltinToolService,
  settings: ChatSettings,
): AsyncIterable<AgentEvent> {
  const { spec, llm } = ctx.resolved;
  const strategy = ctx.config.agent_mode.strategy ?? (spec.features.includes('tool_call') ? 'function_call' : 'react');
  const run = {
    call: (messages: ChatMessage[], offered: ToolDefinition[] | undefined): AsyncIterable<ChatStreamEvent> =>
      retryBeforeFirstEvent(
        () => llm.chatStream({ model: spec.model, messages, parameters, signal, ...(offered ? { tools: offered } : {}) }),
        { retries: settings.llmMaxRetries, baseDelayMs: settings.llmRetryBaseMs },
        signal,
      ),
    messages: prompt,
    tools: tools.forApp(ctx.config.tools),
    maxIterations: ctx.config.agent_mode.max_iterations,
    toolTimeoutMs: settings.toolTimeoutMs,
    signal,
  };
  return strategy === 'react' ? reactAgent(run) : functionCallAgent(run);
}

export function addUsage(total: TokenUsage | undefined, usage: TokenUsage): TokenUsage {
  return total
    ? { promptTokens: total.promptTokens + usage.promptTokens, completionTokens: total.completionTokens + usage.completionTokens }
    : usage;
}
