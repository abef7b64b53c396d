import { countPromptTokens, countTextTokens } from '../llm/token-counter.js';
import { effectiveParameters, PARAMETER_NAMES, type ModelSpec } from '../llm/model-catalog.js';
import type { ChatMessage, ChatRole, LlmProvider } from '../llm/llm-types.js';
import { usageReport } from '../llm/usage.js';
import type { NodeExecutor } from './engine.js';
import type { RunSandboxed } from './code-nodes.js';
import { namedValues } from './code-nodes.js';
import { asText, type VariablePool } from './variable-pool.js';

/** A model this workspace can call, by the provider and name a node gives. */
export type ModelResolver = (provider: string, model: string) => Promise<{ llm: LlmProvider; spec: ModelSpec }>;

interface PromptMessage {
  role?: string;
  text?: string;
  edition_type?: 'basic' | 'jinja2';
  jinja2_text?: string;
}

interface LlmNodeData {
  model?: { provider?: string; name?: string; completion_params?: Record<string, unknown> };
  prompt_template?: PromptMessage[] | PromptMessage;
  prompt_config?: { jinja2_variables?: unknown };
  context?: { enabled?: boolean; variable_selector?: string[] };
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant']);

/** Retrieved segments (a knowledge-retrieval result) as the text a prompt's `{{#context#}}` stands for. */
function contextText(value: unknown): string {
  if (Array.isArray(value)) {
    return value.map((item) => (item && typeof item === 'object' && 'content' in item ? asText(item.content) : asText(item))).join('\n');
  }
  return asText(value);
}

/**
 * `llm`: the node's prompt messages rendered (`{{#node.var#}}`, `{{#context#}}`, or Jinja2 where a
 * message says so) and sent to its model with its completion parameters, tokens streamed as they
 * come. Outputs `text`, `usage` (with price) and `finish_reason`, as Dify's node does.
 */
export function llmNode(resolveModel: ModelResolver, runSandboxed: RunSandboxed, providerName: (id: string) => string): NodeExecutor {
  return async ({ node, pool, signal, stream }) => {
    const data = node.data as unknown as LlmNodeData;
    const provider = providerName(String(data.model?.provider ?? ''));
    const { llm, spec } = await resolveModel(provider, String(data.model?.name ?? ''));
    const context = data.context?.enabled && data.context.variable_selector ? contextText(pool.get(data.context.variable_selector)) : '';
    const messages = await promptMessages(data, pool, context, runSandboxed, signal);
    if (!messages.some((m) => m.content.trim())) throw new Error('the prompt is empty');
    const given = data.model?.completion_params ?? {};
    const parameters = Object.fromEntries(
      PARAMETER_NAMES.filter((name) => typeof given[name] === 'number').map((name) => [name, given[name] as number]),
    );
    const began = performance.now();
    let firstToken = 0;
    let text = '';
    let finishReason = 'stop';
    let usage: { promptTokens: number; completionTokens: number } | undefined;
    for await (const event of llm.chatStream({ model: spec.model, messages, parameters: effectiveParameters(spec, parameters), signal })) {
      if (event.type === 'text') {
        firstToken ||= performance.now();
        text += event.text;
        stream(event.text, [node.id, 'text']);
      } else if (event.type === 'usage') usage = event.usage;
      else if (event.type === 'finish') finishReason = event.reason;
    }
    // Providers that do not report usage are counted here, as the chat path does.
    const promptTokens = usage?.promptTokens ?? countPromptTokens(messages);
    const completionTokens = usage?.completionTokens ?? countTextTokens(text);
    const seconds = (performance.now() - began) / 1000;
    const { totalPriceNumber, ...report } = usageReport(
      spec,
      promptTokens,
      completionTokens,
      seconds,
      firstToken ? (firstToken - began) / 1000 : seconds,
    );
    return {
      inputs: {},
      processData: {
        model_mode: 'chat',
        model_provider: provider,
        model_name: spec.model,
        prompts: messages.map((m) => ({ role: m.role, text: m.content })),
        usage: report,
        finish_reason: finishReason,
      },
      outputs: { text, usage: report, finish_reason: finishReason },
      usage: { totalTokens: report.total_tokens, totalPrice: totalPriceNumber, currency: report.currency },
    };
  };
}

async function promptMessages(
  data: LlmNodeData,
  pool: VariablePool,
  context: string,
  runSandboxed: RunSandboxed,
  signal: AbortSignal,
): Promise<ChatMessage[]> {
  // A completion-model node keeps one prompt; it is sent as the user's message.
  const template = Array.isArray(data.prompt_template) ? data.prompt_template : [{ role: 'user', ...data.prompt_template }];
  const jinjaVariables = template.some((m) => m.edition_type === 'jinja2') ? namedValues(pool, data.prompt_config?.jinja2_variables) : {};
  const messages: ChatMessage[] = [];
  for (const message of template) {
    const role = (ROLES.has(message.role ?? '') ? message.role : 'user') as ChatRole;
    const content =
      message.edition_type === 'jinja2'
        ? String(
            await runSandboxed({ kind: 'jinja', template: message.jinja2_text ?? '', variables: { ...jinjaVariables, context } }, signal),
          )
        : pool.render(message.text ?? '').replaceAll('{{#context#}}', context);
    messages.push({ role, content });
  }
  return messages;
}
