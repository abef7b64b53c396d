import type { ChatMessage, TokenUsage, ToolCall } from '../llm/llm-types.js';
import { countPromptTokens, countTextTokens, loadTokenizer } from '../llm/token-counter.js';

/** A model call's tokens: as the upstream reported them, or counted here when it did not. */
export async function callUsage(
  reported: TokenUsage | undefined,
  prompt: ChatMessage[],
  text: string,
  calls: ToolCall[] = [],
): Promise<TokenUsage> {
  if (reported) return reported;
  await loadTokenizer();
  const written = text + calls.map((c) => c.name + c.arguments).join('');
  return { promptTokens: countPromptTokens(prompt), completionTokens: countTextTokens(written) };
}
