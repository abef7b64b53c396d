/** Reciprocal rank fusion constant (the usual 60): damps the weight of the very top ranks. */
const K = 60;

/**
 * Merges ranked lists of ids into one: each id scores the sum of 1/(K + rank) over the lists it
 * is in, scaled so that an id first in every list scores 1.
 */
export function reciprocalRankFusion(lists: string[][]): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const list of lists) list.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + 1 / (K + rank + 1)));
  const best = lists.length / (K + 1);
  return [...scores].map(([id, score]) => ({ id, score: score / best })).sort((a, b) => b.score - a.score);
}
