import { beforeAll, describe, expect, it } from 'vitest';
import { countTextTokens, loadTokenizer } from '../../../../internal/core/llm/token-counter.js';
import { splitText } from '../../../../internal/core/splitter/recursive-splitter.js';
import { cleanText } from '../../../../internal/core/splitter/text-cleaner.js';

const words = (n: number, tag = 'w') => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');

describe('splitText', () => {
  beforeAll(loadTokenizer);
  const split = (text: string, chunkSize: number, chunkOverlap = 0, separators = ['\n\n', '\n', '. ', ' ']) =>
    splitText(text, { separators, chunkSize, chunkOverlap }, countTextTokens);

  it('keeps a text that fits as one chunk', () => {
    expect(split('A short text.', 50)).toEqual(['A short text.']);
    expect(split('   ', 50)).toEqual([]);
  });

  it('cuts at paragraphs first and packs neighbours up to the size', () => {
    const paragraphs = [words(10, 'a'), words(10, 'b'), words(10, 'c')];
    const chunks = split(paragraphs.join('\n\n'), 45);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toBe(`${paragraphs[0]}\n\n${paragraphs[1]}`);
    expect(chunks[1]).toBe(paragraphs[2]);
  });

  it('never exceeds the size, falling back to finer separators and finally characters', () => {
    const text = `${words(300)}\n\n${'x'.repeat(2000)}`;
    const chunks = split(text, 40);
    for (const c of chunks) expect(countTextTokens(c)).toBeLessThanOrEqual(40);
    expect(chunks.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });

  it('repeats up to the overlap from the end of one chunk at the start of the next', () => {
    const sentences = Array.from({ length: 12 }, (_, i) => `Sentence ${i} is here.`);
    const chunks = split(sentences.join(' '), 30, 10, ['. ']);
    expect(chunks.length).toBeGreaterThan(2);
    for (let i = 1; i < chunks.length; i++) {
      const firstOfNext = chunks[i]!.split('. ')[0]!;
      expect(chunks[i - 1]).toContain(firstOfNext);
    }
  });

  it('refuses an overlap as large as the chunk', () => {
    expect(() => split('text', 10, 10)).toThrow(/chunk_overlap must be smaller than chunk_size/);
  });
});

describe('cleanText', () => {
  it('applies only the enabled rules and always drops control characters', () => {
    const text = 'Mail  me at a.b@example.com or see https://example.com/x \u0007now\n\n\n\nbye';
    expect(cleanText(text, [{ id: 'remove_extra_space', enabled: true }])).toBe(
      'Mail me at a.b@example.com or see https://example.com/x now\n\nbye',
    );
    expect(cleanText(text, [{ id: 'remove_url_and_email', enabled: true }])).toBe('Mail  me at  or see  now\n\n\n\nbye');
  });
});
