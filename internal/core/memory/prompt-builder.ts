import type { ChatMessage, ImageInput } from '../llm/llm-types.js';
import { countMessageTokens, countPromptTokens, promptTokenUpperBound } from '../llm/token-counter.js';

export interface DialogTurn {
  query: string;
  answer: string;
  /** Images the user sent with the query (kept in memory for vision models). */
  images?: ImageInput[];
  /** An agent's tool exchange between the query and the answer (calls and their results), replayed as it went. */
  steps?: ChatMessage[];
}

export interface PromptInput {
  presetPrompt: string;
  /** Long-term memory: what earlier, no longer included turns said. */
  summary: string;
  /** Retrieved knowledge the answer should rest on; empty when the app has none. */
  context?: string;
  /** Earlier turns of this conversation, oldest first. */
  history: readonly DialogTurn[];
  query: string;
  /** Images sent with the query (vision models). */
  images?: ImageInput[];
  /** How many earlier turns the app keeps at most. */
  dialogRound: number;
  contextWindow: number;
  /** Tokens reserved for the answer. */
  maxTokens: number;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  promptTokens: number;
  /** Earlier turns that made it into the prompt. */
  turnsKept: number;
}

export class PromptTooLongError extends Error {
  constructor(
    readonly promptTokens: number,
    readonly budget: number,
  ) {
    super(`the prompt needs ${promptTokens} tokens but the model leaves ${budget} after reserving the answer; shorten the query or prompt`);
    this.name = 'PromptTooLongError';
  }
}

/**
 * System prompt (with the summary), the last `dialogRound` turns, then the query. Older turns
 * are dropped, oldest first, until everything fits the context window minus the answer's reserve.
 */
export function buildPrompt(input: PromptInput): BuiltPrompt {
  const { head, tail, turns, budget } = parts(input);
  const fixed = countPromptTokens([...head, tail]);
  if (fixed > budget) throw new PromptTooLongError(fixed, budget);
  // Walk back from the newest turn, keeping each while it still fits.
  let used = fixed;
  let kept = 0;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    const cost = turnMessages(turn).reduce((sum, m) => sum + countMessageTokens(m), 0);
    if (used + cost > budget) break;
    used += cost;
    kept += 1;
  }
  const messages = [...head, ...turns.slice(turns.length - kept).flatMap(turnMessages), tail];
  return { messages, promptTokens: countPromptTokens(messages), turnsKept: kept };
}

/**
 * The prompt with every remembered turn when even a bound on its tokens (see promptTokenUpperBound)
 * fits the budget, so nothing needs counting or dropping; undefined when it must be counted.
 */
export function promptWithinBound(input: PromptInput): Omit<BuiltPrompt, 'promptTokens'> | undefined {
  const { head, tail, turns, budget } = parts(input);
  const messages = [...head, ...turns.flatMap(turnMessages), tail];
  if (promptTokenUpperBound(messages) > budget) return undefined;
  return { messages, turnsKept: turns.length };
}

function parts(input: PromptInput) {
  const system = [
    input.presetPrompt.trim(),
    input.context ?? '',
    input.summary ? `Summary of the earlier conversation:\n${input.summary}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const head: ChatMessage[] = system ? [{ role: 'system', content: system }] : [];
  const tail = userMessage(input.query, input.images);
  const turns = input.dialogRound > 0 ? input.history.slice(-input.dialogRound) : [];
  return { head, tail, turns, budget: input.contextWindow - input.maxTokens };
}

function turnMessages(turn: DialogTurn): ChatMessage[] {
  return [userMessage(turn.query, turn.images), ...(turn.steps ?? []), { role: 'assistant', content: turn.answer }];
}

function userMessage(content: string, images: ImageInput[] | undefined): ChatMessage {
  return images?.length ? { role: 'user', content, images } : { role: 'user', content };
}
