import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from '../../../../internal/core/retrieval/rank-fusion.js';
import { searchDocument, searchQuery, topKeywords } from '../../../../internal/core/retrieval/search-terms.js';

describe('reciprocalRankFusion', () => {
  it('puts ids ranked high in both lists first, and scores the top of every list 1', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['b', 'a', 'd'],
    ]);
    expect(
      fused
        .map((f) => f.id)
        .slice(0, 2)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(fused.at(-1)!.score).toBeLessThan(fused[0]!.score);
    expect(reciprocalRankFusion([['x'], ['x']])[0]).toEqual({ id: 'x', score: 1 });
    expect(reciprocalRankFusion([['x', 'y']])[0]!.score).toBe(1);
  });
});

describe('search terms', () => {
  it('cuts Chinese into words and sub-words, lower-cases Latin, drops punctuation', () => {
    expect(searchDocument('退货政策是三十天。Refunds!')).toBe('退货 政策 是 三十 十天 三十天 refunds');
  });

  it('quotes every term so user text cannot inject tsquery operators', () => {
    expect(searchQuery("don't & stop | x")).toBe("'don' | 't' | 'stop' | 'x'");
    expect(searchQuery('a b', '&')).toBe("'a' & 'b'");
    expect(searchQuery('!!! ...')).toBe('');
  });

  it('keeps the most frequent words of two characters or more as keywords', () => {
    expect(topKeywords('tea tea coffee 退货 退货 退货 a', 2)).toEqual(['退货', 'tea']);
  });
});
