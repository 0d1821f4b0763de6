/** BM25 term-frequency saturation: the usual 1.2, so a term's third mention adds little. */
export const BM25_K1 = 1.2;
/** BM25 length normalisation: the usual 0.75; passages are similar in length anyway. */
export const BM25_B = 0.75;

/** The keyword index as stored on disk (`keyword.json`). */
export interface KeywordIndexData {
  k1: number;
  b: number;
  /** Number of content terms in each document. */
  lengths: number[];
  /** term → flat list of [document, frequency] pairs, documents ascending. */
  postings: Record<string, number[]>;
}

/** A scored document. */
export interface KeywordHit {
  doc: number;
  score: number;
}

/** A persistent BM25 index over documents given as lists of terms. Pure: no I/O. */
export class KeywordIndex {
  private readonly averageLength: number;

  private constructor(
    private readonly data: KeywordIndexData,
    private readonly postings: Map<string, number[]>,
  ) {
    const total = data.lengths.reduce((sum, length) => sum + length, 0);
    this.averageLength = data.lengths.length === 0 ? 1 : Math.max(1, total / data.lengths.length);
  }

  /** Indexes documents, each a list of terms (repeats count). */
  static build(documents: readonly (readonly string[])[]): KeywordIndex {
    const postings = new Map<string, number[]>();
    documents.forEach((terms, doc) => {
      const counts = new Map<string, number>();
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, count] of counts) {
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push(doc, count);
      }
    });
    const data: KeywordIndexData = { k1: BM25_K1, b: BM25_B, lengths: documents.map((terms) => terms.length), postings: Object.fromEntries(postings) };
    return new KeywordIndex(data, postings);
  }

  /** Indexes passages from their sentences' term ids (see SentenceTerms), naming terms by `terms[id]`. */
  static fromSentenceTerms(passages: readonly { sentences: readonly unknown[] }[], sentenceTerms: { of(passage: number, k: number): Int32Array }, terms: readonly string[]): KeywordIndex {
    const postings = new Map<string, number[]>();
    const lengths: number[] = [];
    const counts = new Map<number, number>();
    passages.forEach((passage, doc) => {
      counts.clear();
      let length = 0;
      for (let k = 0; k < passage.sentences.length; k++) {
        const ids = sentenceTerms.of(doc, k);
        length += ids.length;
        for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      lengths.push(length);
      for (const [id, count] of counts) {
        const term = terms[id]!;
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push(doc, count);
      }
    });
    return new KeywordIndex({ k1: BM25_K1, b: BM25_B, lengths, postings: Object.fromEntries(postings) }, postings);
  }

  /** Restores an index saved with `toJSON`. */
  static fromJSON(data: KeywordIndexData): KeywordIndex {
    if (!Array.isArray(data?.lengths) || typeof data.postings !== "object" || data.postings === null) throw new Error("keyword index data is malformed");
    return new KeywordIndex(data, new Map(Object.entries(data.postings)));
  }

  /** The stored form. */
  toJSON(): KeywordIndexData {
    return this.data;
  }

  /** Number of documents. */
  get size(): number {
    return this.data.lengths.length;
  }

  /** Number of documents containing the term. */
  documentFrequency(term: string): number {
    return (this.postings.get(term)?.length ?? 0) / 2;
  }

  /** BM25 inverse document frequency (the +1 form, never negative). */
  idf(term: string): number {
    const n = this.documentFrequency(term);
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  /** BM25 term score for a term seen `frequency` times in a text of `length` terms. */
  termScore(term: string, frequency: number, length: number): number {
    const { k1, b } = this.data;
    const norm = frequency + k1 * (1 - b + (b * length) / this.averageLength);
    return (this.idf(term) * frequency * (k1 + 1)) / norm;
  }

  /** Documents scored by BM25 against weighted query terms, best first, at most `limit`. */
  search(query: ReadonlyMap<string, number>, limit: number): KeywordHit[] {
    // A dense accumulator and a bounded selection: a common term can match most of 100,000+ passages.
    const scores = new Float64Array(this.size);
    const seen = new Uint8Array(this.size);
    const touched: number[] = [];
    const { k1, b, lengths } = this.data;
    const average = this.averageLength;
    for (const [term, weight] of query) {
      const list = this.postings.get(term);
      if (!list) continue;
      const factor = weight * this.idf(term) * (k1 + 1);
      for (let i = 0; i < list.length; i += 2) {
        const doc = list[i]!;
        const frequency = list[i + 1]!;
        if (seen[doc] === 0) {
          seen[doc] = 1;
          touched.push(doc);
        }
        scores[doc]! += (factor * frequency) / (frequency + k1 * (1 - b + (b * lengths[doc]!) / average));
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
  }
}
