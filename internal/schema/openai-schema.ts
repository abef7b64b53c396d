import { z } from 'zod';
import { inputsField } from './common-schema.js';

/** The part of OpenAI's chat completion request an app answers; unknown fields are ignored, as OpenAI's clients send many. */
const textPart = z.object({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(z.union([textPart, z.looseObject({ type: z.string() })]))]).nullish();
export const chatCompletionBody = z.looseObject({
  model: z.string().max(200).default(''),
  messages: z
    .array(z.looseObject({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content }))
    .min(1, 'messages must not be empty'),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().max(255).nullish(),
  /** Not OpenAI's: values of the app's input variables, for apps that declare some. */
  inputs: inputsField,
});
export type ChatCompletionBody = z.infer<typeof chatCompletionBody>;

const usage = z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() });
export const chatCompletionResponse = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal('assistant'), content: z.string() }),
        finish_reason: z.string(),
      }),
    ),
    usage,
  })
  .or(z.string().describe('text/event-stream of chat.completion.chunk objects when stream is true'));
export const modelsResponse = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ id: z.string(), object: z.literal('model'), created: z.number().int(), owned_by: z.string() })),
});
export const openAiErrorBody = z.object({
  error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string().nullable() }),
});

/** Text of a message: a string, or the text parts of a content array. */
export function messageText(value: ChatCompletionBody['messages'][number]['content']): string {
  if (typeof value === 'string') return value;
  return (value ?? [])
    .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
    .join('\n');
}

export interface ImageUrl {
  url: string;
  detail?: string | undefined;
}

/** The `image_url` parts of a message (an http(s) URL or a data: URL each). */
export function messageImages(value: ChatCompletionBody['messages'][number]['content']): ImageUrl[] {
  if (typeof value === 'string' || !value) return [];
  return value.flatMap((part) => {
    const image = part.type === 'image_url' && 'image_url' in part ? (part.image_url as { url?: unknown; detail?: unknown }) : undefined;
    return typeof image?.url === 'string' ? [{ url: image.url, detail: typeof image.detail === 'string' ? image.detail : undefined }] : [];
  });
}

/** OpenAI's error object: `type` says the class of problem, `code` the specific one. */
export function openAiError(failure: { status: number; message: string; difyCode?: string | undefined }) {
  const type = failure.status === 429 ? 'rate_limit_error' : failure.status >= 500 ? 'server_error' : 'invalid_request_error';
  const code =
    failure.status === 401
      ? 'invalid_api_key'
      : failure.status === 429
        ? 'rate_limit_exceeded'
        : failure.status === 404
          ? 'not_found'
          : (failure.difyCode ?? null);
  return { message: failure.message, type, param: null, code };
}
