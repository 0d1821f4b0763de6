import type { Vocabulary } from "../index/vocabulary.js";
import { dotAllModule, growMemory, instantiateDotAll, type DotAllExports } from "../index/vectorMatrix.js";

/** Word-vector similarity below which two different words are not taken as near-synonyms. */
export const SOFT_MATCH_FLOOR = 0.3;
/** A near-synonym counts for this fraction of its similarity; an exact match counts 1. */
export const SOFT_MATCH_FACTOR = 0.8;

/** A question's content term, with its rarity weight and its word vector (if it has one). */
export interface QueryTerm {
  term: string;
  /** The word as the question spells it (lowercase, plain). */
  spelling: string;
  weight: number;
  vector: Float32Array | undefined;
  /** The word only names the kind of answer ("duration", "how long"): a quote of that kind covers it. */
  namesAnswerType: boolean;
}

/** Whether two terms share their first four letters, as a name and its derived forms do ("russia", "russian"). */
function sameRoot(a: string, b: string): boolean {
  return a.slice(0, 4) === b.slice(0, 4);
}

/** Shortest stem that a longer one may extend and still be taken for the same word ("weapon" → "weaponri"). */
export const DERIVED_STEM_LENGTH = 5;

/**
 * Whether one term extends the other, as derived forms do ("weapon", "weaponri"; "aggress",
 * "aggressor"). Some such pairs are false friends ("content", "contention"), so it only lifts
 * pairs whose vectors already make them near-synonyms.
 */
function derivedForm(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= DERIVED_STEM_LENGTH && long.startsWith(short);
}

/**
 * The soft match's dot products in WebAssembly (dotAll.wat's dotPairs): one document term's word
 * vector against every query term's at once, two terms to a float64 SIMD register, the same
 * doubles as the JavaScript loop (see dotPairs) in about a third of the time. One per thread;
 * the query vectors it holds are those of the matcher that used it last.
 */
class PairDots {
  private owner: object | undefined;
  private pairCount = 0;
  private row!: Float32Array;
  private out!: Float64Array;
  private static readonly pairsAt = 0;

  private constructor(private readonly wasm: DotAllExports) {}

  /** The thread's kernel, or null without WebAssembly SIMD. */
  static get(): PairDots | null {
    if (pairDots === undefined) {
      const module = dotAllModule();
      pairDots = module ? new PairDots(instantiateDotAll(module)) : null;
    }
    return pairDots;
  }

  /**
   * Each query vector's dot product with `rows[base .. base + dimensions)`, by query term (those
   * without a vector: 0), for the matcher `owner` with its query vectors (written again when
   * another matcher used the kernel since).
   */
  dots(owner: object, query: readonly QueryTerm[], dimensions: number, rows: Float32Array, base: number): Float64Array {
    if (this.owner !== owner) this.load(owner, query, dimensions);
    const row = this.row;
    for (let k = 0; k < dimensions; k++) row[k] = rows[base + k]!;
    this.wasm.dotPairs(this.row.byteOffset, dimensions, PairDots.pairsAt, this.pairCount, this.out.byteOffset);
    return this.out;
  }

  private load(owner: object, query: readonly QueryTerm[], dimensions: number): void {
    // Query terms in pairs, pairs in twos (the kernel's pass), the rest zero.
    this.pairCount = Math.ceil(query.length / 4) * 2;
    const pairBytes = this.pairCount * dimensions * 16;
    const rowAt = pairBytes;
    const outAt = rowAt + Math.ceil((dimensions * 4) / 16) * 16;
    const needed = outAt + this.pairCount * 16;
    const { memory } = this.wasm;
    growMemory(memory, needed);
    const pairs = new Float64Array(memory.buffer, PairDots.pairsAt, this.pairCount * dimensions * 2).fill(0);
    query.forEach((q, i) => {
      if (!q.vector) return;
      const at = (Math.floor(i / 2) * dimensions) * 2 + (i % 2);
      for (let k = 0; k < dimensions; k++) pairs[at + 2 * k] = q.vector[k]!;
    });
    this.row = new Float32Array(memory.buffer, rowAt, dimensions);
    this.out = new Float64Array(memory.buffer, outAt, this.pairCount * 2);
    this.owner = owner;
  }
}

let pairDots: PairDots | null | undefined;

/**
 * How well a text's terms (vocabulary ids) cover each query term: 1 for the term itself, a
 * discounted similarity for a near-synonym (through word vectors), 0 otherwise. Two different
 * names are never near-synonyms, however close their vectors ("Kyiv" is not "Moscow"), unless
 * one derives from the other ("Russian" for "Russia"). Memoises per document term.
 */
export class SoftMatcher {
  private readonly cache = new Map<number, Float32Array>();
  /** What most document terms match: nothing. Shared, so that coverage() can skip them. */
  private readonly none: Float32Array;
  /** Each query term's vocabulary id, or -1 when the corpus never uses it. */
  readonly queryIds: Int32Array;
  /** 1 where the query term is a name in the corpus. */
  private readonly queryNames: Uint8Array;

  constructor(
    readonly query: readonly QueryTerm[],
    private readonly vocabulary: Vocabulary,
  ) {
    this.queryIds = Int32Array.from(query, (q) => vocabulary.row.get(q.term) ?? -1);
    this.queryNames = Uint8Array.from(this.queryIds, (id) => (id >= 0 ? vocabulary.names[id]! : 0));
    this.none = new Float32Array(query.length);
  }

  /** Per query term, its match strength with one document term. */
  private strengths(docTerm: number): Float32Array {
    let strengths = this.cache.get(docTerm);
    if (strengths) return strengths;
    strengths = new Float32Array(this.query.length);
    let any = false;
    const d = this.vocabulary.dimensions;
    const rows = this.vocabulary.vectors;
    const base = docTerm * d;
    const docName = this.vocabulary.names[docTerm] === 1;
    const { query, queryIds, queryNames } = this;
    const kernel = PairDots.get();
    const dots = kernel?.dots(this, query, d, rows, base);
    for (let i = 0; i < query.length; i++) {
      const q = query[i]!;
      if (queryIds[i] === docTerm) {
        strengths[i] = 1;
        any = true;
        continue;
      }
      const vector = q.vector;
      if (!vector || (docName && queryNames[i] === 1 && !sameRoot(q.term, this.vocabulary.terms[docTerm]!))) continue;
      // One running sum, in order (so the same value whatever the unrolling), four terms a step:
      // this loop is most of a question's candidate scoring (the kernel computes the same sums).
      let dot = 0;
      let k = 0;
      if (dots) {
        dot = dots[i]!;
        k = d;
      }
      for (; k + 4 <= d; k += 4) {
        dot += vector[k]! * rows[base + k]!;
        dot += vector[k + 1]! * rows[base + k + 1]!;
        dot += vector[k + 2]! * rows[base + k + 2]!;
        dot += vector[k + 3]! * rows[base + k + 3]!;
      }
      for (; k < d; k++) dot += vector[k]! * rows[base + k]!;
      // A derived form that is also a near-synonym counts fully as one ("weaponry" for "weapons").
      if (dot >= SOFT_MATCH_FLOOR) {
        strengths[i] = SOFT_MATCH_FACTOR * (derivedForm(q.term, this.vocabulary.terms[docTerm]!) ? 1 : dot);
        any = true;
      }
    }
    if (!any) strengths = this.none;
    this.cache.set(docTerm, strengths);
    return strengths;
  }

  /** For each query term, its best match among the given document terms (vocabulary ids). */
  coverage(...docTermLists: ArrayLike<number>[]): Float32Array {
    const best = new Float32Array(this.query.length);
    for (const list of docTermLists) {
      for (let t = 0; t < list.length; t++) {
        const strengths = this.strengths(list[t]!);
        if (strengths === this.none) continue;
        for (let i = 0; i < best.length; i++) if (strengths[i]! > best[i]!) best[i] = strengths[i]!;
      }
    }
    return best;
  }

  /**
   * The coverage of several texts together, from each one's coverage: for each query term, its
   * best match in any of them (the same as `coverage` of all their terms, without reading them again).
   */
  static union(...coverages: Float32Array[]): Float32Array {
    const best = new Float32Array(coverages[0]!.length);
    for (const coverage of coverages) for (let i = 0; i < best.length; i++) if (coverage[i]! > best[i]!) best[i] = coverage[i]!;
    return best;
  }

  /**
   * Weighted share (0–1) of the query that a coverage vector represents. With `typed` (the text
   * holds the kind of answer asked for), the words that only name that kind count as covered.
   */
  share(coverage: Float32Array, typed = false): number {
    let total = 0;
    let covered = 0;
    this.query.forEach((q, i) => {
      total += q.weight;
      covered += q.weight * (typed && q.namesAnswerType ? 1 : coverage[i]!);
    });
    return total === 0 ? 0 : covered / total;
  }

  /** Weighted share of the query covered by the terms themselves (not near-synonyms). */
  exactShare(coverage: Float32Array): number {
    let total = 0;
    let exact = 0;
    this.query.forEach((q, i) => {
      total += q.weight;
      if (coverage[i]! >= 1) exact += q.weight;
    });
    return total === 0 ? 0 : exact / total;
  }

  /** How well the query's rarest term (highest weight) is covered. */
  rarestCovered(coverage: Float32Array): number {
    let rarest = -1;
    this.query.forEach((q, i) => {
      if (rarest < 0 || q.weight > this.query[rarest]!.weight) rarest = i;
    });
    return rarest < 0 ? 0 : coverage[rarest]!;
  }

  /** Share of the query's terms (each counted once, whatever its weight) covered at all. */
  countShare(coverage: Float32Array): number {
    if (this.query.length === 0) return 0;
    let covered = 0;
    for (let i = 0; i < this.query.length; i++) if (coverage[i]! > 0) covered++;
    return covered / this.query.length;
  }
}
