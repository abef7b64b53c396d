import { describe, expect, it } from 'vitest';
import { containsKeyword, KeywordMasker } from '../../../../internal/core/review/keyword-masker.js';

function streamThrough(masker: KeywordMasker, chunks: string[]): { sent: string[]; text: string } {
  const sent = chunks.map((c) => masker.push(c));
  sent.push(masker.flush());
  return { sent, text: sent.join('') };
}

describe('KeywordMasker', () => {
  it('masks every keyword, case-insensitively, keeping the length', () => {
    expect(new KeywordMasker(['secret', 'Foo']).mask('A SECRET foo, secretly.')).toBe('A ****** ***, ******ly.');
  });

  it('masks a keyword split across chunks and never sends part of it', () => {
    const { sent, text } = streamThrough(new KeywordMasker(['password']), ['my pass', 'wo', 'rd is ', 'hunter2']);
    expect(text).toBe('my ******** is hunter2');
    for (const piece of sent) expect(piece).not.toMatch(/p|pa|pas|pass/);
  });

  it('treats regex characters in keywords literally', () => {
    expect(new KeywordMasker(['a.b', '(x)']).mask('a.b axb (x) x')).toBe('*** axb *** x');
  });

  it('passes text through untouched when there are no keywords', () => {
    const masker = new KeywordMasker(['']);
    expect(masker.push('hello')).toBe('hello');
    expect(masker.flush()).toBe('');
  });

  it('holds back only the tail that could still start a keyword', () => {
    const masker = new KeywordMasker(['abc']);
    expect(masker.push('hello world')).toBe('hello wor');
    expect(masker.flush()).toBe('ld');
  });
});

describe('containsKeyword', () => {
  it('finds any keyword regardless of case and ignores empty ones', () => {
    expect(containsKeyword('Buy CHEAP pills', ['cheap'])).toBe(true);
    expect(containsKeyword('hello', ['', 'bye'])).toBe(false);
  });
});
