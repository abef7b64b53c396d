import { describe, expect, it } from 'vitest';
import { TickBatcher } from '../../../internal/lib/tick-batcher.js';

describe('TickBatcher', () => {
  it('hands what arrives in one turn of the event loop to one flush, and each caller its own result', async () => {
    const batches: number[][] = [];
    const batcher = new TickBatcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([1, 2, 3].map((i) => batcher.add(i)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await batcher.add(4)).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('splits a large turn into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const batcher = new TickBatcher<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.add(i)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('fails every caller of a failed flush', async () => {
    const batcher = new TickBatcher<number, number>(() => Promise.reject(new Error('statement failed')));
    const outcomes = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
