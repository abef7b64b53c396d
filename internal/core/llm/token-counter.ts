import type { ChatMessage } from './llm-types.js';

let countTokens: ((text: string) => number) | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the o200k table once. It costs time and memory, so the server starts loading it
 * after it listens instead of before; callers await this (a settled promise after the first time).
 */
export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then((encoding) => {
    countTokens = encoding.countTokens;
  });
  return loading;
}

/**
 * Token counts with the o200k tokenizer bundled in the package (no download). Exact for
 * current OpenAI models, a close estimate for others; used for memory windows and for usage
 * when a provider does not report it.
 */
export function countTextTokens(text: string): number {
  if (!countTokens) throw new Error('the tokenizer is not loaded yet: await loadTokenizer() first');
  return text ? countTokens(text) : 0;
}

/** Per-message framing the chat format adds around content (role markers, separators). */
const MESSAGE_OVERHEAD = 4;
const REPLY_PRIMING = 3;
/** OpenAI's published image costs: a low-detail image, and a typical 1024x1024 high-detail one (85 + 4 tiles x 170). */
const IMAGE_TOKENS = { low: 85, high: 765 } as const;

function messageTokens(message: ChatMessage, countText: (text: string) => number): number {
  let tokens = MESSAGE_OVERHEAD + countText(message.content);
  for (const call of message.toolCalls ?? []) tokens += countText(call.name) + countText(call.arguments);
  for (const image of message.images ?? []) tokens += IMAGE_TOKENS[image.detail];
  return tokens;
}

export function countMessageTokens(message: ChatMessage): number {
  return messageTokens(message, countTextTokens);
}

export function countPromptTokens(messages: ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + countMessageTokens(m), REPLY_PRIMING);
}

/**
 * More tokens than any tokenizer can make of the prompt: a token covers at least one byte. Cheap, and
 * needs no tables, so a prompt that fits by this bound is sent without being counted at all.
 */
export function promptTokenUpperBound(messages: ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + messageTokens(m, (text) => Buffer.byteLength(text)), REPLY_PRIMING);
}
