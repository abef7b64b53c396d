import type { DialogTurn } from '../../core/memory/prompt-builder.js';
import type { InputValues } from '../../core/prompts/input-variables.js';
import type { UsageReport } from '../../core/llm/usage.js';
import type { AppConfig } from '../../entity/app-config-entity.js';
import type { InvokeFrom } from '../../entity/conversation-entity.js';
import type { Citation, RetrievedSegment } from '../../entity/dataset-entity.js';
import type { ResolvedModel } from '../models/llm-model-service.js';
import type { ChatFiles, FileInput } from '../files/message-file-service.js';

/** What the chat pipeline takes and gives: its inputs, the events it streams, and the run's context. */
export interface ChatSettings {
  llmMaxRetries: number;
  llmRetryBaseMs: number;
  toolTimeoutMs: number;
}

/** An agent step as Dify sends and lists it: tool names `;`-joined, inputs and observations as JSON text by tool name. */
export interface AgentThoughtFields {
  id: string;
  position: number;
  thought: string;
  tool: string;
  tool_labels: Record<string, { en_US: string; zh_Hans: string }>;
  tool_input: string;
  observation: string;
  message_files: string[];
  created_at: number;
}

export interface EventIds {
  task_id: string;
  message_id: string;
  conversation_id: string;
}

export type ChatEvent =
  | (EventIds & { event: 'message'; id: string; answer: string; created_at: number })
  | (EventIds & { event: 'agent_message'; id: string; answer: string; created_at: number })
  | (EventIds & AgentThoughtFields & { event: 'agent_thought' })
  | (EventIds & {
      event: 'message_end';
      id: string;
      metadata: { usage: UsageReport; retriever_resources: RetrieverResource[]; status: string };
    })
  | (EventIds & { event: 'error'; status: number; code: string; message: string });

export interface ChatRun {
  taskId: string;
  conversationId: string;
  messageId: string;
  events: AsyncGenerator<ChatEvent>;
}

export interface NamingJob {
  conversationId: string;
  workspaceId: string;
  provider: string;
  model: string;
  query: string;
  answer: string;
}

export interface RunContext {
  workspaceId: string;
  /** The member whose debug conversation this is; null for published traffic. */
  fromAccountId: string | null;
  appId: string;
  config: AppConfig;
  resolved: ResolvedModel;
  conversationId: string;
  isNewConversation: boolean;
  summary: string;
  query: string;
  invokeFrom: InvokeFrom;
  startedAt: number;
  clientSignal: AbortSignal | undefined;
  /** The service API's `user`; empty for the author's debug chat. */
  endUser: string;
  /** Images sent with the query. */
  files: ChatFiles;
  /** The app's input variables, resolved against its form. */
  inputs: InputValues;
  /** Name a new conversation in the background after its first answer. */
  autoName: boolean;
  /** Earlier turns for memory: the stored ones, or those the caller brings itself (OpenAI-style). */
  history: readonly DialogTurn[];
  /** The caller's own system messages, after the app's prompt. */
  extraSystem?: string;
}

export interface StatelessChatInput {
  history: readonly DialogTurn[];
  /** image_url parts of the question (OpenAI's shape). */
  images: Array<{ url: string; detail?: string | undefined }>;
  query: string;
  system: string;
  user: string;
  inputs: Record<string, unknown>;
}

export interface DebugChatInput {
  query: string;
  inputs: Record<string, unknown>;
  files: FileInput[];
}

export interface ServiceChatInput {
  query: string;
  files?: FileInput[] | undefined;
  user: string;
  inputs: Record<string, unknown>;
  conversationId?: string | undefined;
  autoGenerateName: boolean;
}

/** A segment as `message_end` cites it. */
export type RetrieverResource = Citation;

/** What went wrong upstream, as the client's `error` event says it. */
export const ERROR_CODES: Record<string, { status: number; code: string }> = {
  unauthorized: { status: 401, code: 'provider_unauthorized' },
  rate_limited: { status: 429, code: 'provider_rate_limited' },
  upstream: { status: 502, code: 'provider_error' },
  timeout: { status: 504, code: 'provider_timeout' },
  connection: { status: 502, code: 'provider_unreachable' },
  bad_request: { status: 400, code: 'provider_bad_request' },
};

/** Retrieved segments as the system prompt gives them to the model, numbered so the answer can cite them. */
export function knowledgeContext(found: RetrievedSegment[]): string {
  if (found.length === 0) return '';
  const blocks = found.map((r) => `[${r.position}] ${r.documentName}\n${r.content}`).join('\n\n');
  return `Answer from the context below when it is relevant; say so when it does not contain the answer.\n<context>\n${blocks}\n</context>`;
}
