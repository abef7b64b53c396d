import type { ChatMessage, ChatRole } from '../llm/llm-types.js';
import { callModel, type ModelAccess, type NodeModel } from './model-call.js';
import type { NodeExecutor } from './engine.js';
import type { RunSandboxed } from './code-nodes.js';
import { namedValues } from './code-nodes.js';
import { asText, type VariablePool } from './variable-pool.js';

interface PromptMessage {
  role?: string;
  text?: string;
  edition_type?: 'basic' | 'jinja2';
  jinja2_text?: string;
}

interface LlmNodeData {
  model?: NodeModel;
  prompt_template?: PromptMessage[] | PromptMessage;
  prompt_config?: { jinja2_variables?: unknown };
  context?: { enabled?: boolean; variable_selector?: string[] };
  /** Chatflows: earlier turns of the conversation, then the query, after the prompt's messages. */
  memory?: { window?: { enabled?: boolean; size?: number }; query_prompt_template?: string } | null;
}

/** One earlier turn of a chatflow's conversation. */
export interface ChatTurn {
  query: string;
  answer: string;
}

/** Dify's memory: the last turns (all kept turns when the window is off), then the query as the user's message. */
function remembered(memory: NonNullable<LlmNodeData['memory']>, history: readonly ChatTurn[], pool: VariablePool): ChatMessage[] {
  const size = memory.window?.enabled ? Math.min(Math.max(Math.trunc(memory.window.size ?? 10), 1), 100) : history.length;
  const turns = size > 0 ? history.slice(-size) : [];
  const query = pool.render(memory.query_prompt_template || '{{#sys.query#}}');
  return [
    ...turns.flatMap((t): ChatMessage[] => [
      { role: 'user', content: t.query },
      { role: 'assistant', content: t.answer },
    ]),
    ...(query.trim() ? [{ role: 'user' as const, content: query }] : []),
  ];
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant']);

/** Retrieved segments (a knowledge-retrieval result) as the text a prompt's `{{#context#}}` stands for. */
export function contextText(value: unknown): string {
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
export function llmNode(access: ModelAccess, runSandboxed: RunSandboxed, history: readonly ChatTurn[] = []): NodeExecutor {
  return async ({ node, pool, signal, stream }) => {
    const data = node.data as unknown as LlmNodeData;
    const context = data.context?.enabled && data.context.variable_selector ? contextText(pool.get(data.context.variable_selector)) : '';
    const messages = await promptMessages(data, pool, context, runSandboxed, signal);
    if (data.memory) messages.push(...remembered(data.memory, history, pool));
    if (!messages.some((m) => m.content.trim())) throw new Error('the prompt is empty');
    const answer = await callModel(access, data.model, messages, { signal, onText: (text) => stream(text, [node.id, 'text']) });
    return {
      inputs: {},
      processData: {
        model_mode: 'chat',
        model_provider: answer.provider,
        model_name: answer.model,
        prompts: messages.map((m) => ({ role: m.role, text: m.content })),
        usage: answer.report,
        finish_reason: answer.finishReason,
      },
      outputs: { text: answer.text, usage: answer.report, finish_reason: answer.finishReason },
      usage: answer.usage,
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
