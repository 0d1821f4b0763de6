/**
 * Isotonic regression (pool adjacent violators) and the calibration maps made from it, for
 * calibrating the learned judge on several kinds of question set at once (scripts/calibrate.ts).
 * Written here because the training side's sklearn is Python and the product reads only the map;
 * the algorithm is a dozen lines. Pure.
 */
import { probability } from "../retrieval/rankingModel.js";

/** A monotone map from a model's raw value to a probability, as `probability()` reads it (rankingModel.ts). */
export interface CalibrationMap {
  x: number[];
  y: number[];
}

/**
 * The non-decreasing fit of 0/1 `labels` ordered by `raw`, as a map through the fitted blocks'
 * centres; with `z` > 0, each block's lower confidence bound at `z` rather than its mean.
 */
export function isotonicMap(raw: readonly number[], labels: readonly number[], z = 0): CalibrationMap {
  const order = raw.map((_, i) => i).sort((a, b) => raw[a]! - raw[b]! || a - b);
  // Blocks of pooled points: mean label, weight, and the mean raw value they cover.
  const blocks: { y: number; w: number; x: number }[] = [];
  for (const i of order) {
    blocks.push({ y: labels[i]!, w: 1, x: raw[i]! });
    while (blocks.length > 1 && blocks.at(-2)!.y >= blocks.at(-1)!.y) {
      const last = blocks.pop()!;
      const before = blocks.at(-1)!;
      const w = before.w + last.w;
      before.y = (before.y * before.w + last.y * last.w) / w;
      before.x = (before.x * before.w + last.x * last.w) / w;
      before.w = w;
    }
  }
  if (z === 0) return { x: blocks.map((block) => block.x), y: blocks.map((block) => block.y) };
  // Each block's lower confidence bound instead of its mean (a block of ten quotes, seven right, is
  // not evidence of 0.7), kept non-decreasing by taking, from the right, the lowest bound so far.
  const y = blocks.map((block) => wilsonLower(block.y, block.w, z));
  for (let i = y.length - 2; i >= 0; i--) y[i] = Math.min(y[i]!, y[i + 1]!);
  return { x: blocks.map((block) => block.x), y };
}

/** The Wilson score interval's lower end for a share `p` of `n` trials at `z` standard deviations. */
export function wilsonLower(p: number, n: number, z: number): number {
  const z2 = z * z;
  return Math.max(0, (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n));
}

/** A map's value at a raw value, as the bot reads it (`probability()`); 0 for an empty map. */
export function mapAt(map: CalibrationMap, raw: number): number {
  return map.x.length === 0 ? 0 : probability(map, raw);
}

/**
 * The lowest of several maps at every raw value: a probability that holds on each kind of set it
 * was fitted on (a quote scored 0.95 answers at least 95% of the time on the hardest of them).
 * Monotone, since each map is; thinned to at most `points` points.
 */
export function lowestOf(maps: readonly CalibrationMap[], points = 200): CalibrationMap {
  const grid = [...new Set(maps.flatMap((map) => map.x))].sort((a, b) => a - b);
  const y = grid.map((x) => Math.min(...maps.map((map) => mapAt(map, x))));
  if (grid.length <= points) return { x: grid, y };
  const keep = Array.from({ length: points }, (_, i) => Math.round((i * (grid.length - 1)) / (points - 1)));
  return { x: keep.map((i) => grid[i]!), y: keep.map((i) => y[i]!) };
}

/** Area under the ROC curve of `raw` for telling positive labels from negative ones (0.5: no better than chance). */
export function rocAuc(raw: readonly number[], positive: readonly boolean[]): number {
  const order = raw.map((_, i) => i).sort((a, b) => raw[a]! - raw[b]!);
  let rankSum = 0;
  let positives = 0;
  // Average ranks for ties.
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && raw[order[end + 1]!] === raw[order[start]!]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) if (positive[order[k]!]) (rankSum += rank), positives++;
    start = end + 1;
  }
  const negatives = raw.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
