import type { ChatMessage, ChatRole } from '../llm/llm-types.js';
import { callModel, type ModelAccess, type NodeModel } from './model-call.js';
import type { NodeExecutor } from './engine.js';
import type { RunSandboxed } from './code-nodes.js';
import { namedValues } from './code-nodes.js';
import { asText, type VariablePool } from './variable-pool.js';
import { TEMPLATE_REFERENCE } from './graph.js';
import { filesIn, type FileAccess, type WorkflowFile } from './workflow-file.js';

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
  /** The images a vision model is shown with the user's message (`sys.files` unless a selector says otherwise). */
  vision?: { enabled?: boolean; configs?: { variable_selector?: string[]; detail?: string } } | null;
}

/** One earlier turn of a chatflow's conversation. */
export interface ChatTurn {
  query: string;
  answer: string;
}

/** Dify's memory: the last turns (all kept turns when the window is off), then the query as the user's message. */
export function remembered(memory: NonNullable<LlmNodeData['memory']>, history: readonly ChatTurn[], pool: VariablePool): ChatMessage[] {
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
export function llmNode(
  access: ModelAccess,
  runSandboxed: RunSandboxed,
  files: FileAccess,
  history: readonly ChatTurn[] = [],
): NodeExecutor {
  return async ({ node, pool, signal, stream }) => {
    const data = node.data as unknown as LlmNodeData;
    const context = data.context?.enabled && data.context.variable_selector ? contextText(pool.get(data.context.variable_selector)) : '';
    const vision = data.vision?.enabled ? { configs: data.vision.configs, files, signal } : undefined;
    const messages = await promptMessages(data, pool, context, runSandboxed, signal, vision);
    if (data.memory) messages.push(...remembered(data.memory, history, pool));
    if (vision) await attachImages(messages, vision, pool);
    if (!messages.some((m) => m.content.trim() || m.images?.length)) throw new Error('the prompt is empty');
    const answer = await callModel(access, data.model, messages, { signal, onText: (text) => stream(text, [node.id, 'text']) });
    return {
      inputs: {},
      processData: {
        model_mode: 'chat',
        model_provider: answer.provider,
        model_name: answer.model,
        prompts: messages.map((m) => ({ role: m.role, text: m.content, ...(m.images?.length ? { files: m.images.length } : {}) })),
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
  vision: Vision | undefined,
): Promise<ChatMessage[]> {
  // A completion-model node keeps one prompt; it is sent as the user's message.
  const template = Array.isArray(data.prompt_template) ? data.prompt_template : [{ role: 'user', ...data.prompt_template }];
  const jinjaVariables = template.some((m) => m.edition_type === 'jinja2') ? namedValues(pool, data.prompt_config?.jinja2_variables) : {};
  const messages: ChatMessage[] = [];
  const elsewhere: WorkflowFile[] = [];
  for (const message of template) {
    const role = (ROLES.has(message.role ?? '') ? message.role : 'user') as ChatRole;
    const content =
      message.edition_type === 'jinja2'
        ? String(
            await runSandboxed({ kind: 'jinja', template: message.jinja2_text ?? '', variables: { ...jinjaVariables, context } }, signal),
          )
        : pool.render(vision ? withoutImages(message.text ?? '', pool) : (message.text ?? '')).replaceAll('{{#context#}}', context);
    const images = vision && message.edition_type !== 'jinja2' ? imagesReferenced(message.text ?? '', pool) : [];
    // Models take images from the user only: one named in another role's text goes with the last user message.
    if (role === 'user' || images.length === 0)
      messages.push({ role, content, ...(images.length ? { images: await imageParts(images, vision!) } : {}) });
    else {
      messages.push({ role, content });
      elsewhere.push(...images);
    }
  }
  if (elsewhere.length > 0) attachToUser(messages, await imageParts(elsewhere, vision!));
  return messages;
}

function attachToUser(messages: ChatMessage[], parts: NonNullable<ChatMessage['images']>): void {
  let target = messages.findLast((m) => m.role === 'user');
  if (!target) messages.push((target = { role: 'user', content: '' }));
  target.images = [...(target.images ?? []), ...parts];
}

interface Vision {
  configs: NonNullable<LlmNodeData['vision']>['configs'];
  files: FileAccess;
  signal: AbortSignal;
}

const referenced = (template: string) => [...template.matchAll(TEMPLATE_REFERENCE)].map((m) => m[1]!.split('.'));
const imagesOf = (value: unknown) => filesIn(value).filter((f) => f.type === 'image');

/** With vision on, an image variable in a message's text (`{{#start.photo#}}`) is shown with that message, as Dify does. */
function imagesReferenced(template: string, pool: VariablePool): WorkflowFile[] {
  return referenced(template).flatMap((path) => imagesOf(pool.get(path)));
}

/** The text of a message whose image references are shown as images rather than written out. */
function withoutImages(template: string, pool: VariablePool): string {
  return template.replace(TEMPLATE_REFERENCE, (whole, path: string) => (imagesOf(pool.get(path.split('.'))).length > 0 ? '' : whole));
}

async function imageParts(images: WorkflowFile[], vision: Vision): Promise<NonNullable<ChatMessage['images']>> {
  const detail = vision.configs?.detail === 'low' ? 'low' : 'high';
  const urls = await Promise.all(images.map((file) => vision.files.imageUrl(file, vision.signal)));
  return urls.map((url) => ({ url, detail }));
}

/**
 * Vision: the image files of the configured variable go with the last user message (one is added if
 * there is none), unless a message already shows them through a reference in its text.
 */
async function attachImages(messages: ChatMessage[], vision: Vision, pool: VariablePool): Promise<void> {
  const selector = vision.configs?.variable_selector?.length ? vision.configs.variable_selector : ['sys', 'files'];
  const shown = new Set(messages.flatMap((m) => m.images ?? []).map((i) => i.url));
  const parts = (await imageParts(imagesOf(pool.get(selector)), vision)).filter((p) => !shown.has(p.url));
  if (parts.length > 0) attachToUser(messages, parts);
}
