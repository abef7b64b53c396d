import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage } from './llm-types.js';

/**
 * Token counts with the o200k tokenizer bundled in the package (no download). Exact for
 * current OpenAI models, a close estimate for others; used for memory windows and for usage
 * when a provider does not report it.
 */
export function countTextTokens(text: string): number {
  return text ? countTokens(text) : 0;
}

/** Per-message framing the chat format adds around content (role markers, separators). */
const MESSAGE_OVERHEAD = 4;
const REPLY_PRIMING = 3;

export function countMessageTokens(message: ChatMessage): number {
  let tokens = MESSAGE_OVERHEAD + countTextTokens(message.content);
  for (const call of message.toolCalls ?? []) tokens += countTextTokens(call.name) + countTextTokens(call.arguments);
  return tokens;
}

export function countPromptTokens(messages: ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + countMessageTokens(m), REPLY_PRIMING);
}
