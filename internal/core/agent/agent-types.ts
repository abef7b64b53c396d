import type { ChatMessage, ChatStreamEvent, ToolDefinition, TokenUsage } from '../llm/llm-types.js';
import type { Localized, ToolOutput } from '../tools/tool-types.js';

/** A tool as an agent uses it: whatever it is (built-in, OpenAPI, MCP), a name, a schema and a call. */
export interface AgentTool {
  /** The function name the model sees and calls. */
  name: string;
  /** What people see for it (Dify's tool_labels). */
  label: Localized;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  invoke(args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutput>;
}

export type AgentStrategy = 'function_call' | 'react';

/** One round of the loop: what the model thought, the tools it called with what, and what they answered. */
export interface AgentStep {
  id: string;
  position: number;
  thought: string;
  calls: Array<{ tool: string; label: Localized; input: Record<string, unknown>; observation?: string; files?: string[] }>;
  /** Tokens of this step's model call. */
  usage: TokenUsage;
  /** Seconds from the step's model call to its last observation. */
  latency: number;
}

/** What a run yields: answer text as it comes, each step when it starts and again when observed, each call's tokens. */
export type AgentEvent =
  { type: 'text'; text: string } | { type: 'usage'; usage: TokenUsage } | { type: 'step'; step: AgentStep; observed: boolean };

/** One model call; the caller supplies it so retries, credentials and parameters stay theirs. */
export type ModelCall = (messages: ChatMessage[], tools: ToolDefinition[] | undefined) => AsyncIterable<ChatStreamEvent>;

export interface AgentRun {
  call: ModelCall;
  messages: ChatMessage[];
  tools: AgentTool[];
  maxIterations: number;
  toolTimeoutMs: number;
  signal: AbortSignal;
}
