import { ownBuffer } from "./ownBuffer.js";

/** BM25 term-frequency saturation: the usual 1.2, so a term's third mention adds little. */
export const BM25_K1 = 1.2;
/** BM25 length normalisation: the usual 0.75; passages are similar in length anyway. */
export const BM25_B = 0.75;

/** A scored document. */
export interface KeywordHit {
  doc: number;
  score: number;
}

/** The documents one scope of questions may read (1 = allowed), with what BM25 reads of them: how many, and their mean length. */
export interface DocumentMask {
  readonly allowed: Uint8Array;
  readonly documents: number;
  readonly averageLength: number;
}

/** Bytes of the stored form's header: the magic "BM25", k1 and b (float64), documents and terms (uint32). */
const HEADER_BYTES = 4 + 8 + 8 + 4 + 4;
const MAGIC = 0x35324d42; // "BM25", little-endian

/**
 * A persistent BM25 index. Terms are numbered (the numbering is given, e.g. the vocabulary's);
 * each term's postings are [document, frequency] pairs, documents ascending, all in one Int32Array.
 * Stored as `keyword.bin`: header, document lengths (uint32), per-term offsets (uint32), pairs
 * (int32) — read back without parsing or allocating per term. Pure: no I/O.
 */
export class KeywordIndex {
  /** The mean document length in terms (at least 1), which BM25's length normalisation divides by. */
  readonly averageLength: number;
  /** See search(): its accumulator, kept between questions. */
  private scratch: { scores: Float64Array; seen: Uint8Array } | undefined;
  /** See search(): each document's BM25 length normalisation, made on the first question. */
  private normalisers: Float64Array | undefined;

  private constructor(
    private readonly ids: ReadonlyMap<string, number>,
    private readonly lengths: Uint32Array,
    private readonly offsets: Uint32Array,
    private readonly pairs: Int32Array,
    private readonly k1 = BM25_K1,
    private readonly b = BM25_B,
  ) {
    let total = 0;
    for (const length of lengths) total += length;
    this.averageLength = lengths.length === 0 ? 1 : Math.max(1, total / lengths.length);
  }

  /** Indexes documents, each a list of terms (repeats count). */
  static build(documents: readonly (readonly string[])[]): KeywordIndex {
    const ids = new Map<string, number>();
    for (const terms of documents) for (const term of terms) if (!ids.has(term)) ids.set(term, ids.size);
    const lists = documents.map((terms) => Int32Array.from(terms, (term) => ids.get(term)!));
    return KeywordIndex.fromTermIds(lists.length, (doc, visit) => visit(lists[doc]!), ids);
  }

  /**
   * Indexes `count` documents whose term ids `forEachList(doc, visit)` hands over (a document may
   * come in several lists, e.g. one per sentence); `ids` names the terms. Two passes, so every
   * posting list is an exact-size slice of one Int32Array.
   */
  static fromTermIds(count: number, forEachList: (doc: number, visit: (ids: Int32Array) => void) => void, ids: ReadonlyMap<string, number>): KeywordIndex {
    const terms = ids.size;
    const lengths = new Uint32Array(count);
    const documents = new Uint32Array(terms);
    const lastDoc = new Int32Array(terms).fill(-1);
    for (let doc = 0; doc < count; doc++) {
      forEachList(doc, (list) => {
        lengths[doc]! += list.length;
        for (const id of list) {
          if (lastDoc[id] === doc) continue;
          lastDoc[id] = doc;
          documents[id]!++;
        }
      });
    }
    const offsets = new Uint32Array(terms + 1);
    for (let id = 0; id < terms; id++) offsets[id + 1] = offsets[id]! + 2 * documents[id]!;
    const pairs = new Int32Array(offsets[terms]!);
    const fill = offsets.slice(0, terms);
    const frequency = new Int32Array(terms);
    const seen: number[] = [];
    for (let doc = 0; doc < count; doc++) {
      forEachList(doc, (list) => {
        for (const id of list) if (frequency[id]!++ === 0) seen.push(id);
      });
      for (const id of seen) {
        pairs[fill[id]!++] = doc;
        pairs[fill[id]!++] = frequency[id]!;
        frequency[id] = 0;
      }
      seen.length = 0;
    }
    return new KeywordIndex(ids, lengths, offsets, pairs);
  }

  /** The stored form (`keyword.bin`). */
  toBytes(): Uint8Array {
    const terms = this.offsets.length - 1;
    const bytes = new Uint8Array(HEADER_BYTES + this.lengths.byteLength + this.offsets.byteLength + this.pairs.byteLength);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setFloat64(4, this.k1, true);
    view.setFloat64(12, this.b, true);
    view.setUint32(20, this.lengths.length, true);
    view.setUint32(24, terms, true);
    let at = HEADER_BYTES;
    for (const part of [this.lengths, this.offsets, this.pairs]) {
      bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
      at += part.byteLength;
    }
    return bytes;
  }

  /** Restores an index from `toBytes`, its terms named by `ids`; throws if the bytes are malformed. */
  static fromBytes(source: Uint8Array, ids: ReadonlyMap<string, number>): KeywordIndex {
    const bytes = new Uint8Array(ownBuffer(source));
    const view = new DataView(bytes.buffer);
    if (bytes.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC) throw new Error("keyword index data is malformed");
    const documents = view.getUint32(20, true);
    const terms = view.getUint32(24, true);
    if (terms !== ids.size) throw new Error("keyword index data is malformed: it does not match the vocabulary");
    const offsetsAt = HEADER_BYTES + documents * 4;
    const pairsAt = offsetsAt + (terms + 1) * 4;
    if (bytes.byteLength < pairsAt) throw new Error("keyword index data is malformed: truncated");
    const offsets = new Uint32Array(bytes.buffer, offsetsAt, terms + 1);
    if (bytes.byteLength !== pairsAt + offsets[terms]! * 4) throw new Error("keyword index data is malformed: truncated");
    return new KeywordIndex(ids, new Uint32Array(bytes.buffer, HEADER_BYTES, documents), offsets, new Int32Array(bytes.buffer, pairsAt, offsets[terms]!), view.getFloat64(4, true), view.getFloat64(12, true));
  }

  /** Number of documents. */
  get size(): number {
    return this.lengths.length;
  }

  /**
   * Whether any document numbered from `first` up to (not including) `end` contains the term
   * with this id: a binary search of its postings.
   */
  hasTermIn(termId: number, first: number, end: number): boolean {
    let low = this.offsets[termId]! / 2;
    let high = this.offsets[termId + 1]! / 2;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.pairs[middle * 2]! < first) low = middle + 1;
      else high = middle;
    }
    return low < this.offsets[termId + 1]! / 2 && this.pairs[low * 2]! < end;
  }

  /**
   * A term's postings as a store without this class scores them (the PostgreSQL store's SQL): its
   * documents, ascending, and each one's BM25 term-frequency part, freq / (freq + k1 (1 - b + b len / avg)),
   * so that a document's score is the sum over the query's terms of idf (k1 + 1) times it.
   */
  postingsOf(termId: number): { docs: Int32Array; weights: Float64Array } {
    const start = this.offsets[termId]!;
    const count = (this.offsets[termId + 1]! - start) / 2;
    const docs = new Int32Array(count);
    const weights = new Float64Array(count);
    const { k1, b, lengths, pairs } = this;
    for (let i = 0; i < count; i++) {
      const doc = pairs[start + 2 * i]!;
      const frequency = pairs[start + 2 * i + 1]!;
      docs[i] = doc;
      weights[i] = frequency / (frequency + k1 * (1 - b + (b * lengths[doc]!) / this.averageLength));
    }
    return { docs, weights };
  }

  /** Number of documents containing the term. */
  documentFrequency(term: string): number {
    const id = this.ids.get(term);
    return id === undefined ? 0 : (this.offsets[id + 1]! - this.offsets[id]!) / 2;
  }

  /** BM25 inverse document frequency (the +1 form, never negative). */
  idf(term: string): number {
    const n = this.documentFrequency(term);
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  /** BM25 term score for a term seen `frequency` times in a text of `length` terms. */
  termScore(term: string, frequency: number, length: number): number {
    const norm = frequency + this.k1 * (1 - this.b + (this.b * length) / this.averageLength);
    return (this.idf(term) * frequency * (this.k1 + 1)) / norm;
  }

  /** A mask over the documents (1 = allowed), with their count and mean length (at least 1) for BM25's length normalisation. */
  mask(allowed: Uint8Array): DocumentMask {
    let documents = 0;
    let total = 0;
    for (let doc = 0; doc < this.lengths.length; doc++) {
      if (allowed[doc] === 0) continue;
      documents++;
      total += this.lengths[doc]!;
    }
    return { allowed, documents, averageLength: documents === 0 ? 1 : Math.max(1, total / documents) };
  }

  /** How many of the allowed documents contain the term. */
  documentFrequencyWithin(term: string, mask: DocumentMask): number {
    const id = this.ids.get(term);
    if (id === undefined) return 0;
    let n = 0;
    for (let i = this.offsets[id]!, end = this.offsets[id + 1]!; i < end; i += 2) n += mask.allowed[this.pairs[i]!]!;
    return n;
  }

  /**
   * Documents scored by BM25 against weighted query terms, best first, at most `limit`. `within`
   * restricts the search to a mask's documents, scored as if they were the whole index (their own
   * rarities `idf` and mean length), so nothing outside the mask shapes the result.
   */
  search(query: ReadonlyMap<string, number>, limit: number, within?: { mask: DocumentMask; idf: (term: string) => number }): KeywordHit[] {
    // A dense accumulator and a bounded selection: a common term can match most of 100,000+
    // passages. The accumulator is kept between questions (cleared where this one wrote), not
    // allocated and zeroed for each (search runs to the end without yielding, so one is enough).
    this.scratch ??= { scores: new Float64Array(this.size), seen: new Uint8Array(this.size) };
    const { scores, seen } = this.scratch;
    const touched: number[] = [];
    const { k1, b, lengths, pairs } = this;
    const average = within ? within.mask.averageLength : this.averageLength;
    const allowed = within?.mask.allowed;
    // Each document's length normalisation, k1 (1 - b + b len / avg), the same doubles as computed
    // in the loop: made once for the whole index (a mask has its own mean length).
    const normalisers = within ? undefined : (this.normalisers ??= Float64Array.from(lengths, (length) => k1 * (1 - b + (b * length) / average)));
    try {
      for (const [term, weight] of query) {
        const id = this.ids.get(term);
        if (id === undefined) continue;
        const factor = weight * (within ? within.idf(term) : this.idf(term)) * (k1 + 1);
        for (let i = this.offsets[id]!, end = this.offsets[id + 1]!; i < end; i += 2) {
          const doc = pairs[i]!;
          if (allowed !== undefined && allowed[doc] === 0) continue;
          const frequency = pairs[i + 1]!;
          if (seen[doc] === 0) {
            seen[doc] = 1;
            touched.push(doc);
          }
          scores[doc]! += (factor * frequency) / (frequency + (normalisers !== undefined ? normalisers[doc]! : k1 * (1 - b + (b * lengths[doc]!) / average)));
        }
      }
      const hits: KeywordHit[] = [];
      let floor = -Infinity;
      for (const doc of touched) {
        const score = scores[doc]!;
        if (hits.length >= limit && score <= floor) continue;
        hits.push({ doc, score });
        if (hits.length > limit * 2) {
          hits.sort((x, y) => y.score - x.score || x.doc - y.doc);
          hits.length = limit;
          floor = hits[limit - 1]!.score;
        }
      }
      return hits.sort((x, y) => y.score - x.score || x.doc - y.doc).slice(0, limit);
    } finally {
      // Cleared even if something above threw: the next question starts from zero.
      for (const doc of touched) {
        scores[doc] = 0;
        seen[doc] = 0;
      }
    }
  }
}
