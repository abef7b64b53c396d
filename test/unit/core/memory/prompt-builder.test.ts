import { beforeAll, describe, expect, it } from 'vitest';
import { countPromptTokens, loadTokenizer, promptTokenUpperBound } from '../../../../internal/core/llm/token-counter.js';
import { buildPrompt, promptWithinBound, PromptTooLongError, type PromptInput } from '../../../../internal/core/memory/prompt-builder.js';

const turns = Array.from({ length: 6 }, (_, i) => ({
  query: `question ${i} ${'word '.repeat(20)}`,
  answer: `answer ${i} ${'word '.repeat(20)}`,
}));
const base: PromptInput = {
  presetPrompt: 'You are terse.',
  summary: '',
  history: turns,
  query: 'the new question',
  dialogRound: 10,
  contextWindow: 100_000,
  maxTokens: 1000,
};

describe('buildPrompt', () => {
  beforeAll(loadTokenizer);

  it('puts the system prompt first, then the turns oldest first, then the query', () => {
    const built = buildPrompt({ ...base, history: turns.slice(0, 2) });
    expect(built.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(built.messages[1]!.content).toBe(turns[0]!.query);
    expect(built.messages.at(-1)!.content).toBe('the new question');
    expect(built.turnsKept).toBe(2);
    expect(built.promptTokens).toBe(countPromptTokens(built.messages));
  });

  it('keeps only the last dialog_round turns, and none at zero', () => {
    expect(buildPrompt({ ...base, dialogRound: 3 }).messages[1]!.content).toBe(turns[3]!.query);
    const none = buildPrompt({ ...base, dialogRound: 0 });
    expect(none.messages).toHaveLength(2);
    expect(none.turnsKept).toBe(0);
  });

  it('adds the long-term summary to the system prompt, and sends no system message when both are empty', () => {
    const withSummary = buildPrompt({ ...base, summary: 'The user likes tea.' });
    expect(withSummary.messages[0]!.content).toBe('You are terse.\n\nSummary of the earlier conversation:\nThe user likes tea.');
    expect(buildPrompt({ ...base, presetPrompt: '  ', history: [] }).messages).toEqual([{ role: 'user', content: 'the new question' }]);
  });

  it('drops the oldest turns at the window edge: one token less and one turn fewer fits', () => {
    const all = buildPrompt(base);
    expect(all.turnsKept).toBe(6);
    // A window exactly as large as the full prompt plus the reserve keeps everything.
    const exact = buildPrompt({ ...base, contextWindow: all.promptTokens + base.maxTokens });
    expect(exact.turnsKept).toBe(6);
    expect(exact.promptTokens).toBeLessThanOrEqual(all.promptTokens);
    const tight = buildPrompt({ ...base, contextWindow: all.promptTokens + base.maxTokens - 1 });
    expect(tight.turnsKept).toBe(5);
    expect(tight.messages[1]!.content).toBe(turns[1]!.query);
    expect(tight.promptTokens).toBeLessThanOrEqual(all.promptTokens + base.maxTokens - 1 - base.maxTokens);
  });

  it('sends the query images with it and counts their cost, so fewer earlier turns fit', () => {
    const images = [
      { url: 'https://example.com/a.png', detail: 'high' as const },
      { url: 'https://example.com/b.png', detail: 'low' as const },
    ];
    const plain = buildPrompt(base);
    const withImages = buildPrompt({ ...base, images });
    expect(withImages.messages.at(-1)).toEqual({ role: 'user', content: 'the new question', images });
    expect(withImages.promptTokens - plain.promptTokens).toBe(765 + 85);
    // A window that held every turn without the images holds fewer with them.
    const tight = { ...base, contextWindow: plain.promptTokens + base.maxTokens + 765 + 85 - 1 };
    expect(buildPrompt(tight).turnsKept).toBe(6);
    expect(buildPrompt({ ...tight, images }).turnsKept).toBeLessThan(6);
  });

  it('keeps the images of earlier questions with their turn, and counts them', () => {
    const image = { url: 'https://example.com/old.png', detail: 'low' as const };
    const history = turns.map((t, i) => (i === 5 ? { ...t, images: [image] } : t));
    const built = buildPrompt({ ...base, history });
    expect(built.messages.at(-3)).toEqual({ role: 'user', content: turns[5]!.query, images: [image] });
    expect(built.promptTokens - buildPrompt(base).promptTokens).toBe(85);
  });

  it('refuses a query that cannot fit even alone, naming both sizes', () => {
    const call = () => buildPrompt({ ...base, query: 'long '.repeat(500), contextWindow: 1200 });
    expect(call).toThrow(PromptTooLongError);
    try {
      call();
    } catch (err) {
      expect((err as PromptTooLongError).budget).toBe(200);
      expect((err as PromptTooLongError).promptTokens).toBeGreaterThan(200);
    }
  });
});

describe('promptWithinBound', () => {
  beforeAll(loadTokenizer);

  it('gives the same prompt as counting when the byte bound fits, without counting', () => {
    const bounded = promptWithinBound(base)!;
    const counted = buildPrompt(base);
    expect(bounded.messages).toEqual(counted.messages);
    expect(bounded.turnsKept).toBe(turns.length);
    // The bound never undercounts: tokens of any text are at most its UTF-8 bytes.
    expect(promptTokenUpperBound(bounded.messages)).toBeGreaterThanOrEqual(counted.promptTokens);
  });

  it('leaves a prompt that may not fit to counting', () => {
    const tight = { ...base, contextWindow: countPromptTokens(buildPrompt(base).messages) + base.maxTokens + 5 };
    expect(promptWithinBound(tight)).toBeUndefined();
    expect(buildPrompt(tight).turnsKept).toBe(turns.length);
  });

  it('bounds multi-byte text by its bytes, not its characters', () => {
    const chinese = { ...base, history: [], query: '你好'.repeat(100), contextWindow: 1000 + 450, maxTokens: 1000 };
    // 200 characters, 600 bytes: more than the 450 left, so it must be counted.
    expect(promptWithinBound(chinese)).toBeUndefined();
  });
});
