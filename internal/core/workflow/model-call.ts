import { countPromptTokens, countTextTokens } from '../llm/token-counter.js';
import { effectiveParameters, PARAMETER_NAMES, type ModelSpec } from '../llm/model-catalog.js';
import type { ChatMessage, LlmProvider, ToolCall, ToolDefinition } from '../llm/llm-types.js';
import { usageReport, type UsageReport } from '../llm/usage.js';
import type { NodeUsage } from './engine.js';

/** A model this workspace can call, by the provider and name a node gives. */
export type ModelResolver = (provider: string, model: string) => Promise<{ llm: LlmProvider; spec: ModelSpec }>;

/** What model nodes reach the model through. */
export interface ModelAccess {
  resolveModel: ModelResolver;
  providerName(id: string): string;
}

/** A node's `model` field as Dify's canvas writes it. */
export interface NodeModel {
  provider?: string;
  name?: string;
  completion_params?: Record<string, unknown>;
}

export interface ModelAnswer {
  text: string;
  toolCalls: ToolCall[];
  finishReason: string;
  provider: string;
  model: string;
  report: UsageReport;
  usage: NodeUsage;
}

/**
 * One call of a node's model with its completion parameters, streamed; `onText` sees the tokens as
 * they come. Usage the provider does not report is counted here, and priced from the catalog.
 */
export async function callModel(
  access: ModelAccess,
  model: NodeModel | undefined,
  messages: ChatMessage[],
  options: { signal: AbortSignal; onText?: (text: string) => void; tools?: ToolDefinition[] },
): Promise<ModelAnswer> {
  const provider = access.providerName(String(model?.provider ?? ''));
  const { llm, spec } = await access.resolveModel(provider, String(model?.name ?? ''));
  const began = performance.now();
  let firstToken = 0;
  let text = '';
  let toolCalls: ToolCall[] = [];
  let finishReason = 'stop';
  let usage: { promptTokens: number; completionTokens: number } | undefined;
  const request = {
    model: spec.model,
    messages,
    parameters: nodeParameters(spec, model?.completion_params),
    signal: options.signal,
    ...(options.tools ? { tools: options.tools } : {}),
  };
  for await (const event of llm.chatStream(request)) {
    if (event.type === 'text') {
      firstToken ||= performance.now();
      text += event.text;
      options.onText?.(event.text);
    } else if (event.type === 'tool_calls') toolCalls = event.toolCalls;
    else if (event.type === 'usage') usage = event.usage;
    else finishReason = event.reason;
  }
  const promptTokens = usage?.promptTokens ?? countPromptTokens(messages);
  const completionTokens = usage?.completionTokens ?? countTextTokens(text);
  return { text, toolCalls, finishReason, provider, model: spec.model, ...spent(spec, promptTokens, completionTokens, began, firstToken) };
}

/** A node's completion_params (numbers the catalog knows), within what the model allows. */
export function nodeParameters(spec: ModelSpec, given: Record<string, unknown> = {}) {
  const numbers = Object.fromEntries(PARAMETER_NAMES.filter((n) => typeof given[n] === 'number').map((n) => [n, given[n] as number]));
  return effectiveParameters(spec, numbers);
}

/** What a node's model calls cost: Dify's usage report, and the totals the run adds up (`began`, `firstToken`: performance.now()). */
export function spent(spec: ModelSpec, promptTokens: number, completionTokens: number, began: number, firstToken: number) {
  const seconds = (performance.now() - began) / 1000;
  const { totalPriceNumber, ...report } = usageReport(
    spec,
    promptTokens,
    completionTokens,
    seconds,
    firstToken ? (firstToken - began) / 1000 : seconds,
  );
  return { report, usage: { totalTokens: report.total_tokens, totalPrice: totalPriceNumber, currency: report.currency } };
}
