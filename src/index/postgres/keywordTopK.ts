/**
 * Exact BM25 top k over impact-ordered postings that live elsewhere (the PostgreSQL store's), read
 * a slice at a time. Each term's postings are stored highest weight first, so the head of a list
 * bounds everything after it. A question reads the head of each list, scores its best passages
 * exactly (from the passages' own terms, as the file store's KeywordIndex does, to the bit), and
 * reads further only where a passage not yet seen could still reach the top k (MaxScore: only the
 * lists whose remaining weight could lift a passage over the k-th score are read on). A common
 * word's long tail, which adds little to any passage, is then never read, and the result is still
 * the exact top k. Pure: the reading is done by the caller's `PostingsReader`.
 */
import { BM25_B, BM25_K1, type KeywordHit } from "../keyword.js";

/**
 * Postings read first from each list: a term in fewer passages is read whole at once. 2,000 pairs
 * are 16 KB per term, a few for a question; enough at 10,000 articles that most questions need no
 * second read (measured by `npm run bench -- --store postgres`, which counts the reads).
 */
export const FIRST_READ = 2_000;
/** A list read on is read this many times deeper than before (fewer round trips on a long list). */
const DEEPEN = 4;
/** Passages worth scoring from their terms, per passage asked for, before reading further down the lists instead. */
const MAX_SCORED = 4;
/** Float32 weights bound float64 scores: comparisons leave this relative margin, so a bound is never too tight. */
const MARGIN = 1e-6;

/** A slice of one term's impact-ordered postings and the list's whole length. */
export interface PostingsSlice {
  length: number;
  docs: Int32Array;
  weights: Float32Array;
}

/** Where the postings and the passages' terms come from. */
export interface PostingsReader {
  /** Postings `from` up to (not including) `to` of each term's list (weight descending, then document ascending). */
  read(slices: readonly { term: number; from: number; to: number }[]): Promise<Map<number, PostingsSlice>>;
  /** The term ids of each passage (every occurrence, as its sentences list them). */
  passageTerms(docs: readonly number[]): Promise<Map<number, ArrayLike<number>>>;
}

/** A question for `keywordTopK`: distinct term ids and each one's idf × (k1 + 1), in the question's order. */
export interface KeywordQuery {
  terms: readonly number[];
  factors: readonly number[];
  /** The build's mean passage length in terms (KeywordIndex.averageLength). */
  averageLength: number;
  /** How many passages the build has (rows 0 to passages - 1): the sums are made that size at once, not grown. */
  passages?: number;
  limit: number;
  /** Postings read first from each list (FIRST_READ unless a test wants more rounds). */
  firstRead?: number;
  /** Only some passages (a scope), scored as an index of their own: see KeywordScope. */
  within?: KeywordScope;
}

/**
 * A search among some passages only (a server's scope, a filter), scored as if they were the whole
 * index: `factors` and `averageLength` are then the scope's (its rarities and mean passage length),
 * while the stored weights were worked out with the whole build's mean length. `bound` maps a
 * stored weight to at least the weight that posting has in the scope (weightBound), so that every
 * bound below stays a bound and the top k stays exact.
 */
export interface KeywordScope {
  /** Whether a passage (row) may be ranked. */
  allowed(doc: number): boolean;
  /** At least a posting's weight in the scope, from its stored weight; never decreasing. */
  bound(weight: number): number;
}

/**
 * A bound on a posting's BM25 weight f / (f + k1 (1 - b + b len / scopeAverage)) from its stored
 * weight w = f / (f + k1 (1 - b + b len / wholeAverage)), whatever f and len. With r = wholeAverage /
 * scopeAverage, 1/w' - 1 = (k1 (1 - b) + r k1 b len / wholeAverage) / f: when r >= 1 that is at least
 * 1/w - 1, so w' <= w; when r < 1 it is at least r (1/w - 1), so w' <= 1 / (1 + r (1/w - 1)). Both
 * grow with w, so impact order still bounds what is not read yet.
 */
export function weightBound(wholeAverage: number, scopeAverage: number): (weight: number) => number {
  const r = wholeAverage / scopeAverage;
  if (r >= 1) return (weight) => weight;
  return (weight) => (weight <= 0 ? 0 : 1 / (1 + r * (1 / weight - 1)));
}

/** What a search read, for the benchmark. */
export interface KeywordReadStats {
  rounds: number;
  postingsRead: number;
  passagesScored: number;
}

/** A passage's BM25 score from its terms: the same sums, in the same order, as KeywordIndex.search. */
export function passageScore(terms: ArrayLike<number>, query: KeywordQuery): number {
  const length = terms.length;
  const norm = BM25_K1 * (1 - BM25_B + (BM25_B * length) / query.averageLength);
  let score = 0;
  for (let q = 0; q < query.terms.length; q++) {
    const term = query.terms[q]!;
    let frequency = 0;
    for (let i = 0; i < length; i++) if (terms[i] === term) frequency++;
    if (frequency > 0) score += (query.factors[q]! * frequency) / (frequency + norm);
  }
  return score;
}

/**
 * The exact BM25 top `limit`, best first (ties by passage), reading as little of each list as the
 * bounds allow; with `query.within`, among the allowed passages only (a small scope may read whole
 * lists: the passages it allows are then few in each head).
 */
export async function keywordTopK(query: KeywordQuery, reader: PostingsReader, stats?: KeywordReadStats): Promise<KeywordHit[]> {
  const n = query.terms.length;
  const lengths = new Array<number>(n).fill(0);
  const docs: Int32Array[] = Array.from({ length: n }, () => new Int32Array(0));
  const weights: Float32Array[] = Array.from({ length: n }, () => new Float32Array(0));
  const exact = new Map<number, number>();
  const within = query.within;
  const score = async (wanted: number[]): Promise<void> => {
    const missing = wanted.filter((doc) => !exact.has(doc));
    if (missing.length === 0) return;
    const terms = await reader.passageTerms(missing);
    for (const doc of missing) {
      const list = terms.get(doc);
      if (!list) throw new Error(`passage ${doc} is in the postings but not in the passages`);
      exact.set(doc, passageScore(list, query));
    }
    if (stats) stats.passagesScored += missing.length;
  };
  let slices = query.terms.map((term) => ({ term, from: 0, to: query.firstRead ?? FIRST_READ }));
  const sums = Sums.take();
  try {
    for (;;) {
      const read = await reader.read(slices);
      for (const slice of slices) {
        const q = query.terms.indexOf(slice.term);
        const got = read.get(slice.term);
        if (!got) continue; // a term no passage uses
        lengths[q] = got.length;
        docs[q] = concat(docs[q]!, got.docs);
        weights[q] = concat(weights[q]!, within ? got.weights.map(within.bound) : got.weights);
        if (stats) stats.postingsRead += got.docs.length;
      }
      if (stats) stats.rounds++;
      // Each read list's bound on what it has not read yet, and what it could add to a passage.
      const cut = query.terms.map((_, q) => (docs[q]!.length < lengths[q]! ? weights[q]![docs[q]!.length - 1]! * (1 + MARGIN) * query.factors[q]! : 0));
      const unseen = cut.reduce((sum, c) => sum + c, 0);
      // Each seen passage's sum of read weights (a lower bound on its score) and of the open lists'
      // bounds it has already taken, summed in the order the lists were read, in dense arrays.
      const { lower, seenCut, touched } = sums.add(docs, weights, query.factors, cut, within, query.passages ?? 0);
      // The k-th score is at least that of the k-th best of any k passages: score the likeliest exactly.
      const likeliest = bestOf(touched, lower, query.limit);
      await score(likeliest);
      const threshold = exact.size >= query.limit ? [...exact.values()].sort((x, y) => y - x)[query.limit - 1]! : -Infinity;
      if (unseen > 0 && unseen * (1 + MARGIN) >= threshold) {
        // A passage in no head could still reach the top k: read on the lists whose bounds, taken
        // together, could lift it there (the smallest bounds summing below the threshold cannot).
        const open = cut.map((c, q) => ({ c, q })).filter(({ c }) => c > 0).sort((x, y) => x.c - y.c);
        let below = 0;
        while (open.length > 0 && threshold > -Infinity && (below + open[0]!.c) * (1 + MARGIN) < threshold) below += open.shift()!.c;
        slices = open.map(({ q }) => {
          const from = docs[q]!.length;
          return { term: query.terms[q]!, from, to: Math.min(lengths[q]!, from * DEEPEN) };
        });
        continue;
      }
      // Every passage in no head is below the threshold; score every seen one that may not be. When
      // those are many, reading further down the lists is cheaper (8 bytes a posting against a
      // passage's terms) and tightens their bounds.
      const uncertain: number[] = [];
      for (let i = 0; i < touched.length; i++) {
        const doc = touched[i]!;
        if (!exact.has(doc) && (lower[doc]! + unseen - seenCut[doc]!) * (1 + MARGIN) >= threshold) uncertain.push(doc);
      }
      if (uncertain.length > MAX_SCORED * query.limit && unseen > 0) {
        slices = cut.flatMap((c, q) => (c > 0 ? [{ term: query.terms[q]!, from: docs[q]!.length, to: Math.min(lengths[q]!, docs[q]!.length * DEEPEN) }] : []));
        continue;
      }
      await score(uncertain);
      return [...exact]
        .map(([doc, value]) => ({ doc, score: value }))
        .filter((hit) => hit.score > 0)
        .sort((x, y) => y.score - x.score || x.doc - y.doc)
        .slice(0, query.limit);
    }
  } finally {
    sums.release();
  }
}

/** The most bytes of sums kept between questions (one set is kept whatever its size). */
const POOLED_SUMS_BYTES = 64 * 2 ** 20;

/**
 * The seen passages' sums of one round, in arrays indexed by passage: at 1.8 million passages a
 * deep search sees hundreds of thousands, and Maps of them, rebuilt each round, took more than half
 * of its time and most of its memory. Kept between questions in a free list, so a question running
 * beside another never shares one (20 bytes a passage each; see release); `stamp` marks the passages
 * the current round touched, so nothing is cleared between rounds.
 */
class Sums {
  private static readonly free: Sums[] = [];
  lower = new Float64Array(0);
  seenCut = new Float64Array(0);
  private stamps = new Uint32Array(0);
  /** The passages a round touched, in first-touch order (a round may touch hundreds of thousands: as a JS array, megabytes of garbage each round). */
  private touchedRows = new Int32Array(0);
  private stamp = 0;

  static take(): Sums {
    return Sums.free.pop() ?? new Sums();
  }

  /** Bytes the arrays take (20 a passage, and 4 a passage touched in the deepest round so far). */
  get bytes(): number {
    return this.lower.byteLength + this.seenCut.byteLength + this.stamps.byteLength + this.touchedRows.byteLength;
  }

  /**
   * Kept for the next question while the kept ones hold at most POOLED_SUMS_BYTES (4 sets at
   * 10,000 articles; one at 100,000, where a set is 36 MB): questions in flight beyond that make
   * their own and leave them to the garbage collector, so a burst does not hold memory for good.
   */
  release(): void {
    const pooled = Sums.free.reduce((sum, sums) => sum + sums.bytes, 0);
    if (Sums.free.length < 4 && (Sums.free.length === 0 || pooled + this.bytes <= POOLED_SUMS_BYTES)) Sums.free.push(this);
  }

  /**
   * One round's sums over every posting read so far (list by list, as read), and the passages they
   * touch in first-touch order. `passages` (the build's count, 0 if unknown) sizes the arrays once:
   * grown by half whenever a round saw a higher row, a set could reach 1.5 times the build's
   * passages (54 MB at 100,000 articles, the 36 MB before it left to the garbage collector).
   */
  add(docs: readonly Int32Array[], weights: readonly Float32Array[], factors: readonly number[], cut: readonly number[], within: KeywordScope | undefined, passages: number): { lower: Float64Array; seenCut: Float64Array; touched: Int32Array } {
    let end = 0;
    let postings = 0;
    for (const list of docs) {
      postings += list.length;
      for (let i = 0; i < list.length; i++) if (list[i]! >= end) end = list[i]! + 1;
    }
    if (end > this.stamps.length) {
      const size = passages >= end ? passages : Math.max(end, Math.ceil(this.stamps.length * 1.5));
      this.lower = new Float64Array(size);
      this.seenCut = new Float64Array(size);
      this.stamps = new Uint32Array(size);
      this.stamp = 0;
    }
    if (++this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    // At most one entry a posting, and a passage once.
    const most = Math.min(postings, this.stamps.length);
    if (most > this.touchedRows.length) this.touchedRows = new Int32Array(Math.min(this.stamps.length, Math.max(most, Math.ceil(this.touchedRows.length * 1.5))));
    const { lower, seenCut, stamps, stamp, touchedRows } = this;
    let touched = 0;
    for (let q = 0; q < docs.length; q++) {
      const list = docs[q]!;
      const listWeights = weights[q]!;
      const factor = factors[q]!;
      const c = cut[q]!;
      for (let i = 0; i < list.length; i++) {
        const doc = list[i]!;
        if (within && !within.allowed(doc)) continue;
        if (stamps[doc] !== stamp) {
          stamps[doc] = stamp;
          lower[doc] = 0;
          seenCut[doc] = 0;
          touchedRows[touched++] = doc;
        }
        lower[doc] = lower[doc]! + factor * listWeights[i]!;
        if (c > 0) seenCut[doc] = seenCut[doc]! + c;
      }
    }
    return { lower, seenCut, touched: touchedRows.subarray(0, touched) };
  }
}

/** The `limit` passages of highest `value`, best first, ties by passage (a bounded heap: the seen passages may be hundreds of thousands). */
function bestOf(docs: Int32Array, value: Float64Array, limit: number): number[] {
  // Min-heap on (value, then passage descending): its root is the worst of the best so far.
  const heap: number[] = [];
  const worse = (a: number, b: number) => value[a]! < value[b]! || (value[a] === value[b] && a > b);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let d = 0; d < docs.length; d++) {
    const doc = docs[d]!;
    if (heap.length < limit) {
      heap.push(doc);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (limit > 0 && worse(heap[0]!, doc)) {
      heap[0] = doc;
      down(0);
    }
  }
  return heap.sort((a, b) => value[b]! - value[a]! || a - b);
}

function concat<T extends Int32Array | Float32Array>(a: T, b: T): T {
  if (a.length === 0) return b;
  const joined = new (a.constructor as new (n: number) => T)(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
