import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BM25_K1, KeywordIndex } from "../src/index/keyword.js";
import { keywordTopK, weightBound, type KeywordReadStats, type PostingsReader } from "../src/index/postgres/keywordTopK.js";

/** A reader over a KeywordIndex's postings, impact-ordered and stored as float32, as the PostgreSQL store keeps them. */
function readerOf(index: KeywordIndex, documents: readonly (readonly number[])[]): PostingsReader {
  return {
    read: async (slices) => {
      const result = new Map();
      for (const { term, from, to } of slices) {
        const { docs, weights } = index.postingsOf(term);
        if (docs.length === 0) continue;
        const order = Array.from(docs, (_, i) => i).sort((x, y) => weights[y]! - weights[x]! || docs[x]! - docs[y]!);
        const part = order.slice(from, to);
        result.set(term, { length: docs.length, docs: Int32Array.from(part, (i) => docs[i]!), weights: Float32Array.from(part, (i) => weights[i]!) });
      }
      return result;
    },
    passageTerms: async (docs) => new Map(docs.map((doc) => [doc, documents[doc]!])),
  };
}

/** The file store's ranking and keywordTopK's over the same documents; with `keep`, among the kept documents only, scored as an index of their own. */
function search(documents: number[][], terms: number[], limit: number, firstRead: number, stats?: KeywordReadStats, keep?: readonly boolean[]) {
  const vocabulary = new Map<string, number>();
  const size = Math.max(0, ...documents.flat(), ...terms) + 1;
  for (let id = 0; id < size; id++) vocabulary.set(`t${id}`, id);
  const index = KeywordIndex.fromTermIds(documents.length, (doc, visit) => visit(Int32Array.from(documents[doc]!)), vocabulary);
  const distinct = [...new Set(terms)];
  const query = new Map(distinct.map((term) => [`t${term}`, 1]));
  if (!keep) {
    const expected = index.search(query, limit);
    const factors = distinct.map((term) => index.idf(`t${term}`) * (BM25_K1 + 1));
    const got = keywordTopK({ terms: distinct, factors, averageLength: index.averageLength, passages: documents.length, limit, firstRead }, readerOf(index, documents), stats);
    return { expected, got };
  }
  const mask = index.mask(Uint8Array.from(documents, (_, i) => (keep[i] ? 1 : 0)));
  const idf = (term: string) => {
    const n = index.documentFrequencyWithin(term, mask);
    return Math.log(1 + (mask.documents - n + 0.5) / (n + 0.5));
  };
  const expected = index.search(query, limit, { mask, idf });
  const factors = distinct.map((term) => idf(`t${term}`) * (BM25_K1 + 1));
  const within = { allowed: (doc: number) => mask.allowed[doc] === 1, bound: weightBound(index.averageLength, mask.averageLength) };
  const got = keywordTopK({ terms: distinct, factors, averageLength: mask.averageLength, limit, firstRead, within }, readerOf(index, documents), stats);
  return { expected, got };
}

describe("keywordTopK", () => {
  it("finds exactly the file store's top k, scores to the bit, however little of each list it reads first", async () => {
    // Zipf-like documents: a few very common terms, many rare ones, as news text has.
    const term = fc.integer({ min: 0, max: 400 }).map((x) => Math.floor((x * x) / 4000));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(term, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 120 }),
        fc.array(term, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        async (documents, terms, limit, firstRead) => {
          const { expected, got } = search(documents, terms, limit, firstRead);
          expect(await got).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("finds exactly the file store's top k among some passages only, scored by their own rarities and mean length", async () => {
    const term = fc.integer({ min: 0, max: 400 }).map((x) => Math.floor((x * x) / 4000));
    // Long and short passages, so that the scope's mean length differs from the whole build's either way.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(term, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
        fc.array(term, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        async (documents, keep, terms, limit, firstRead) => {
          const { expected, got } = search(documents, terms, limit, firstRead, undefined, keep);
          const hits = await got;
          expect(hits).toEqual(expected);
          expect(hits.every((hit) => keep[hit.doc])).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("bounds a posting's weight in a scope from its stored weight, whichever mean length is longer", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 400 }), fc.double({ min: 1, max: 200, noNaN: true }), fc.double({ min: 1, max: 200, noNaN: true }), (frequency, length, whole, scope) => {
        const weight = (average: number) => frequency / (frequency + BM25_K1 * (1 - 0.75 + (0.75 * length) / average));
        const bound = weightBound(whole, scope);
        expect(weight(scope)).toBeLessThanOrEqual(bound(Math.fround(weight(whole))) * (1 + 1e-6));
      }),
    );
  });

  it("reads only the head of a common word's list when the rare words decide the top k", async () => {
    // Term 0 is in every passage, term 1 in a few: the top 3 are the passages with term 1.
    const documents = Array.from({ length: 5_000 }, (_, i) => (i % 500 === 7 ? [0, 1, 2, 3] : [0, 2 + (i % 40), 3 + (i % 7)]));
    const stats = { rounds: 0, postingsRead: 0, passagesScored: 0 };
    const { expected, got } = search(documents, [0, 1], 3, 100, stats);
    expect(await got).toEqual(expected);
    expect(stats.rounds).toBe(1);
    expect(stats.postingsRead).toBeLessThan(200);
  });

  it("gives each of several questions searched at once its own exact top k", async () => {
    // Common terms and small first reads: each search takes several rounds, and the rounds of the
    // twelve interleave (each read is awaited), over corpora of different sizes.
    const random = fc.sample(fc.integer({ min: 0, max: 400 }).map((x) => Math.floor((x * x) / 4000)), { numRuns: 60_000, seed: 7 });
    const corpus = (passages: number, offset: number) => Array.from({ length: passages }, (_, i) => random.slice(offset + i * 12, offset + i * 12 + 4 + (i % 9)));
    const searches = Array.from({ length: 12 }, (_, k) => search(corpus(k % 2 === 0 ? 3_000 : 700, k * 97), [0, 1, 2 + k, 5 + (k % 4), 9], 10, 4));
    const results = await Promise.all(searches.map((run) => run.got));
    results.forEach((got, k) => expect(got).toEqual(searches[k]!.expected));
    expect(results.every((got) => got.length === 10)).toBe(true);
  });

  it("returns nothing for terms no passage uses, and fewer than k when fewer passages match", async () => {
    const { expected, got } = search([[1, 2], [2, 3], [4]], [3, 9], 10, 1);
    expect(await got).toEqual(expected);
    expect(expected).toHaveLength(1);
  });
});
