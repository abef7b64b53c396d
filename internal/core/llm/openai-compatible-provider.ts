import type OpenAI from 'openai';
import type * as OpenAiModule from 'openai';
import type { APIError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { httpStatusError, streamChatCompletion } from './chat-completion-stream.js';
import { loadUndici } from '../../lib/undici-loader.js';
import {
  LlmError,
  type ChatMessage,
  type ChatRequest,
  type ChatResult,
  type ChatStreamEvent,
  type LlmProvider,
  type ToolCall,
} from './llm-types.js';

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  apiKey: string;
  /** Longest wait for the response to start, and then between two chunks. */
  timeoutMs: number;
}

/**
 * Every OpenAI-compatible upstream (OpenAI, DeepSeek, Moonshot, Qwen, Zhipu, Ollama, vLLM ...):
 * streaming through a lean client, blocking calls and embeddings through the official SDK. No
 * retries inside: the caller decides what to retry,
 * because a retry after the first token would repeat text the user already saw.
 */
const NEVER_ABORTED = new AbortController().signal;

type OpenAiSdk = typeof OpenAiModule;
let sdk: Promise<OpenAiSdk> | undefined;

/** The SDK serves blocking calls and embeddings only, so it loads with the first of them (or loadLlmClients), not at start-up. */
function loadSdk(): Promise<OpenAiSdk> {
  return (sdk ??= import('openai'));
}

/** Loads what model calls use, so the first chat after start-up does not wait for it; the server calls it once it listens. */
export async function loadLlmClients(): Promise<void> {
  await Promise.all([loadSdk(), loadUndici()]);
}

export class OpenAiCompatibleProvider implements LlmProvider {
  private client: Promise<{ client: OpenAI; sdk: OpenAiSdk }> | undefined;
  private readonly chatUrl: string;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.chatUrl = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  private sdkClient(): Promise<{ client: OpenAI; sdk: OpenAiSdk }> {
    this.client ??= loadSdk().then((sdk) => ({
      sdk,
      client: new sdk.default({
        baseURL: this.options.baseUrl,
        // Local servers (Ollama, vLLM) take no key, but the SDK insists on one.
        apiKey: this.options.apiKey || 'not-needed',
        maxRetries: 0,
        timeout: this.options.timeoutMs,
      }),
    }));
    return this.client;
  }

  /** Streams through the lean client (see chat-completion-stream.ts): this is every chat's hot path. */
  async *chatStream(request: ChatRequest): AsyncGenerator<ChatStreamEvent> {
    const toolCalls = new Map<number, ToolCall>();
    const chunks = streamChatCompletion(
      this.chatUrl,
      { ...this.body(request), stream: true, stream_options: { include_usage: true } },
      { apiKey: this.options.apiKey, timeoutMs: this.options.timeoutMs, signal: request.signal ?? NEVER_ABORTED },
    );
    let finishReason = 'stop';
    for await (const chunk of chunks) {
      if (typeof chunk === 'string') {
        yield { type: 'text', text: chunk };
        continue;
      }
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) yield { type: 'text', text: choice.delta.content };
      for (const delta of choice?.delta?.tool_calls ?? []) {
        const call = toolCalls.get(delta.index) ?? { id: '', name: '', arguments: '' };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name += delta.function.name;
        if (delta.function?.arguments) call.arguments += delta.function.arguments;
        toolCalls.set(delta.index, call);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) {
        yield { type: 'usage', usage: { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens } };
      }
    }
    if (toolCalls.size > 0) yield { type: 'tool_calls', toolCalls: [...toolCalls.values()] };
    yield { type: 'finish', reason: finishReason };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const { client, sdk } = await this.sdkClient();
    try {
      const completion = await client.chat.completions.create({ ...this.body(request), stream: false }, { signal: request.signal });
      const choice = completion.choices[0];
      const toolCalls = (choice?.message.tool_calls ?? []).flatMap((c) =>
        c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
      );
      return {
        text: choice?.message.content ?? '',
        toolCalls,
        usage: completion.usage
          ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens }
          : undefined,
        finishReason: choice?.finish_reason ?? 'stop',
      };
    } catch (err) {
      throw toLlmError(sdk, err, request.signal);
    }
  }

  async embed(model: string, inputs: string[], signal?: AbortSignal): Promise<number[][]> {
    const { client, sdk } = await this.sdkClient();
    try {
      const result = await client.embeddings.create({ model, input: inputs, encoding_format: 'float' }, { signal });
      return [...result.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    } catch (err) {
      throw toLlmError(sdk, err, signal);
    }
  }

  private body(request: ChatRequest) {
    const tools: ChatCompletionTool[] | undefined = request.tools?.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
    return {
      model: request.model,
      messages: request.messages.map(toWireMessage),
      ...request.parameters,
      ...(tools && tools.length > 0 ? { tools } : {}),
    };
  }
}

function toWireMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', content: message.content, tool_call_id: message.toolCallId ?? '' };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length
          ? {
              tool_calls: message.toolCalls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : {}),
      };
    case 'user':
      if (!message.images?.length) return { role: 'user', content: message.content };
      return {
        role: 'user',
        content: [
          ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
          ...message.images.map((image) => ({ type: 'image_url' as const, image_url: { url: image.url, detail: image.detail } })),
        ],
      };
    default:
      return { role: message.role, content: message.content };
  }
}

/** Classifies an SDK error; the message says what the user can do about it. */
function toLlmError(sdk: OpenAiSdk, err: unknown, signal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof sdk.APIUserAbortError || signal?.aborted) return new LlmError('aborted', 'the request was stopped');
  if (err instanceof sdk.APIConnectionTimeoutError) return new LlmError('timeout', 'the model provider did not answer in time');
  if (err instanceof sdk.APIConnectionError) {
    return new LlmError('connection', 'cannot reach the model provider; check its base URL and that it is running');
  }
  if (err instanceof sdk.APIError) {
    if (err.status !== undefined) return httpStatusError(err.status, upstreamMessage(err));
    return new LlmError('connection', "the model provider's stream broke off");
  }
  return new LlmError('connection', `the model call failed: ${err instanceof Error ? err.message : String(err)}`);
}

function upstreamMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : '';
}
