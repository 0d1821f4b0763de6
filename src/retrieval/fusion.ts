/** Reciprocal-rank-fusion constant from Cormack et al. (2009): damps the head of each list. */
export const RRF_K = 60;

/** A ranked list's items, best first, with the weight that list gets in the fusion. */
export interface RankedList {
  items: readonly number[];
  weight: number;
}

/** Fuses ranked lists by weighted reciprocal rank: score(d) = Σ weight / (k + rank). Best first. */
export function reciprocalRankFusion(lists: readonly RankedList[], k: number = RRF_K): { item: number; score: number }[] {
  const scores = new Map<number, number>();
  for (const list of lists) {
    list.items.forEach((item, rank) => scores.set(item, (scores.get(item) ?? 0) + list.weight / (k + rank + 1)));
  }
  return [...scores].map(([item, score]) => ({ item, score })).sort((a, b) => b.score - a.score || a.item - b.item);
}
