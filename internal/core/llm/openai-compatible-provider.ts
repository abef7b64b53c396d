import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
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
 * Every OpenAI-compatible upstream (OpenAI, DeepSeek, Moonshot, Qwen, Zhipu, Ollama, vLLM ...)
 * through the official SDK. The SDK's own retries are off: the caller decides what to retry,
 * because a retry after the first token would repeat text the user already saw.
 */
export class OpenAiCompatibleProvider implements LlmProvider {
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      // Local servers (Ollama, vLLM) take no key, but the SDK insists on one.
      apiKey: options.apiKey || 'not-needed',
      maxRetries: 0,
      timeout: options.timeoutMs,
    });
  }

  async *chatStream(request: ChatRequest): AsyncGenerator<ChatStreamEvent> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    let idleTimer: NodeJS.Timeout | undefined;
    let idleExpired = false;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idleExpired = true;
        controller.abort();
      }, this.options.timeoutMs);
    };
    const toolCalls = new Map<number, ToolCall>();
    try {
      const stream = await this.client.chat.completions.create(
        { ...this.body(request), stream: true, stream_options: { include_usage: true } },
        { signal: controller.signal },
      );
      armIdleTimer();
      let finishReason = 'stop';
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        armIdleTimer();
        const choice = chunk.choices[0];
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
      // The SDK ends the iteration quietly when its signal fires; an abort is not a finished answer.
      if (idleExpired || controller.signal.aborted) throw new Error('aborted');
      if (toolCalls.size > 0) yield { type: 'tool_calls', toolCalls: [...toolCalls.values()] };
      yield { type: 'finish', reason: finishReason };
    } catch (err) {
      if (idleExpired) throw new LlmError('timeout', `the model sent nothing for ${this.options.timeoutMs} ms`);
      throw toLlmError(err, request.signal);
    } finally {
      clearTimeout(idleTimer);
      request.signal?.removeEventListener('abort', onAbort);
      // Leaving the loop early (stop, disconnect) must end the upstream request too.
      controller.abort();
    }
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    try {
      const completion = await this.client.chat.completions.create({ ...this.body(request), stream: false }, { signal: request.signal });
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
      throw toLlmError(err, request.signal);
    }
  }

  async embed(model: string, inputs: string[], signal?: AbortSignal): Promise<number[][]> {
    try {
      const result = await this.client.embeddings.create({ model, input: inputs, encoding_format: 'float' }, { signal });
      return [...result.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    } catch (err) {
      throw toLlmError(err, signal);
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
export function toLlmError(err: unknown, signal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof APIUserAbortError || signal?.aborted) return new LlmError('aborted', 'the request was stopped');
  if (err instanceof APIConnectionTimeoutError) return new LlmError('timeout', 'the model provider did not answer in time');
  if (err instanceof APIConnectionError) {
    return new LlmError('connection', 'cannot reach the model provider; check its base URL and that it is running');
  }
  if (err instanceof APIError) {
    const detail = upstreamMessage(err);
    const status = err.status;
    if (status === 401 || status === 403) return new LlmError('unauthorized', `the model provider refused the API key${detail}`, status);
    if (status === 429) return new LlmError('rate_limited', `the model provider is rate limiting requests${detail}`, status);
    if (status !== undefined && status >= 500) return new LlmError('upstream', `the model provider failed (${status})${detail}`, status);
    if (status !== undefined) return new LlmError('bad_request', `the model provider rejected the request (${status})${detail}`, status);
    return new LlmError('connection', `the model provider's stream broke off${detail}`);
  }
  return new LlmError('connection', `the model call failed: ${err instanceof Error ? err.message : String(err)}`);
}

function upstreamMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : '';
  return text ? `: ${text.slice(0, 300)}` : '';
}
