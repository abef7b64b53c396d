/** The provider-neutral shapes every model call speaks; providers translate to their wire format. */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text as the model wrote it; callers parse and validate it. */
  arguments: string;
}

/** An image for a vision model: an http(s) URL it fetches itself, or a data: URL carrying the bytes. */
export interface ImageInput {
  url: string;
  /** low: a fixed small cost; high: the model looks closer, for more tokens. */
  detail: 'low' | 'high';
}

export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** User messages only: images sent along with the text. */
  images?: ImageInput[];
  toolCalls?: ToolCall[];
  toolCallId?: string;
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** temperature, top_p, max_tokens, presence_penalty, frequency_penalty: already validated. */
  parameters: Record<string, number>;
  tools?: ToolDefinition[];
  signal?: AbortSignal;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type ChatStreamEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_calls'; toolCalls: ToolCall[] }
  | { type: 'usage'; usage: TokenUsage }
  | { type: 'finish'; reason: string };

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage | undefined;
  finishReason: string;
}

export interface LlmProvider {
  chatStream(request: ChatRequest): AsyncIterable<ChatStreamEvent>;
  chat(request: ChatRequest): Promise<ChatResult>;
  embed(model: string, inputs: string[], signal?: AbortSignal): Promise<number[][]>;
}

export type LlmErrorKind = 'unauthorized' | 'rate_limited' | 'upstream' | 'timeout' | 'connection' | 'bad_request' | 'aborted';

/** A model call that failed, classified so callers can retry, report or store it. */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }

  /** Worth another try before anything reached the client: the upstream may recover. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'upstream';
  }
}
