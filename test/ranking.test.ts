import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeywordIndex } from "../src/index/keyword.js";
import { tokeniseSentences } from "../src/index/tokenise.js";
import { makeVocabulary } from "../src/index/vocabulary.js";
import { buildPassages } from "../src/passages/passages.js";
import { SOFT_MATCH_FACTOR, SoftMatcher, type QueryTerm } from "../src/retrieval/softMatch.js";
import { dotAll, topScores } from "../src/retrieval/vectorSearch.js";

describe("KeywordIndex", () => {
  const docs = [["treati", "defens", "mutual"], ["treati", "trade"], ["drone", "drone", "ukrain"], ["trade", "gas", "energi", "export"]];
  const index = KeywordIndex.build(docs);

  it("ranks the document with the rarer matching terms first", () => {
    const hits = index.search(new Map([["treati", 1], ["defens", 1]]), 10);
    expect(hits.map((h) => h.doc)).toEqual([0, 1]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it("gives a rarer term a higher idf, and an unknown term no hits", () => {
    expect(index.idf("defens")).toBeGreaterThan(index.idf("treati"));
    expect(index.search(new Map([["everest", 1]]), 10)).toEqual([]);
  });

  it("saturates repeated terms", () => {
    const once = index.termScore("drone", 1, 3);
    const twice = index.termScore("drone", 2, 3);
    expect(twice).toBeGreaterThan(once);
    expect(twice).toBeLessThan(2 * once);
  });

  it("scores the same after a save and load", () => {
    const ids = new Map(docs.flat().filter((term, i, all) => all.indexOf(term) === i).map((term, i) => [term, i]));
    const restored = KeywordIndex.fromBytes(index.toBytes(), ids);
    const query = new Map([["trade", 1], ["gas", 0.5]]);
    expect(restored.search(query, 10)).toEqual(index.search(query, 10));
  });

  it("refuses malformed saved data", () => {
    expect(() => KeywordIndex.fromBytes(new Uint8Array(10), new Map())).toThrow(/malformed/);
    const bytes = index.toBytes();
    expect(() => KeywordIndex.fromBytes(bytes.subarray(0, bytes.length - 4), new Map(docs.flat().map((t) => [t, 0])))).toThrow(/malformed/);
  });
});

describe("vector search", () => {
  it("returns the highest dot products, best first", () => {
    const matrix = Float32Array.from([1, 0, 0, 1, 0.7, 0.7, -1, 0]);
    const scores = dotAll(matrix, 2, Float32Array.from([1, 0]));
    expect(topScores(scores, 2).map((h) => h.row)).toEqual([0, 2]);
  });

  it("matches a full sort on random data", () => {
    const scores = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const expected = [...scores].map((score, row) => ({ row, score })).sort((a, b) => b.score - a.score).slice(0, 25).map((h) => h.row);
    expect(topScores(scores, 25).map((h) => h.row)).toEqual(expected);
  });
});

describe("the vector matrix", () => {
  it("computes with WebAssembly SIMD the same similarities as plain JavaScript", async () => {
    const { createVectorMatrix } = await import("../src/retrieval/vectorSearch.js");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.constantFrom(4, 8, 100, 6), fc.integer(), (rows, dimensions, seed) => {
        let x = seed;
        const next = () => ((x = (Math.imul(x, 1103515245) + 12345) | 0) / 2 ** 31);
        const matrix = createVectorMatrix(rows, dimensions);
        for (let i = 0; i < matrix.data.length; i++) matrix.data[i] = next();
        const query = Float32Array.from({ length: dimensions }, next);
        const expected = dotAll(Float32Array.from(matrix.data), dimensions, query);
        const actual = matrix.similarities(query);
        expect(matrix.engine).toBe(dimensions % 4 === 0 ? "wasm-simd" : "js");
        expect(actual).toHaveLength(rows);
        actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 4));
      }),
      { numRuns: 60 },
    );
  });
});

describe("names in soft matching", () => {
  /** Unit vectors in 3-d at the given angles in the x–y plane (z for the third group). */
  const unit = (x: number, y: number, z: number) => {
    const n = Math.hypot(x, y, z);
    return [x / n, y / n, z / n];
  };
  const terms = ["moscow", "kyiv", "russia", "russian", "attack", "aggress"];
  const rows = [unit(1, 0.2, 0), unit(1, 0.25, 0), unit(0, 1, 0.1), unit(0, 1, 0.15), unit(0.1, 0, 1), unit(0.15, 0, 1)].map((v) => Float32Array.from(v));
  const query = (term: string): QueryTerm => ({ term, spelling: term, weight: 1, vector: rows[terms.indexOf(term)], namesAnswerType: false });

  it("finds the names from how the corpus writes them inside sentences (not first, not in a heading in capitals)", () => {
    const body = "Talks in Kyiv ended. Kyiv said it would wait. Moscow agreed with Kyiv. Envoys of the Kremlin side spoke. The attack came at night. Attack drones flew.\n\nA NIGHT ATTACK ON THE CITY.";
    const passages = buildPassages("a", body);
    const { names } = tokeniseSentences(passages, new Map([["a", body]]));
    expect([...names].sort()).toEqual(["kremlin", "kyiv"]);
  });

  it("never takes one name for another, but lets a name meet its derived forms and words their near-synonyms", () => {
    const vocabulary = makeVocabulary(terms, terms, rows, 3, new Set(["moscow", "kyiv", "russia", "russian"]));
    const matcher = new SoftMatcher([query("kyiv"), query("russia"), query("attack")], vocabulary);
    const id = (term: string) => vocabulary.row.get(term)!;
    expect(matcher.coverage([id("moscow")])[0]).toBe(0);
    expect(matcher.coverage([id("russian")])[1]).toBeGreaterThan(0.5);
    expect(matcher.coverage([id("aggress")])[2]).toBeGreaterThan(0.5);
    // Without the names, vectors this close would match.
    const unnamed = new SoftMatcher([query("kyiv")], makeVocabulary(terms, terms, rows, 3));
    expect(unnamed.coverage([id("moscow")])[0]).toBeGreaterThan(0.5);
  });
});

describe("derived forms in soft matching", () => {
  const terms = ["weapon", "weaponri", "content", "contention", "arm"];
  // weapon·weaponri and weapon·arm ≈ 0.6; content·contention ≈ 0.1 (false friends).
  const rows = [[1, 0, 0], [0.6, 0.8, 0], [0, 0, 1], [0, 0.995, 0.1], [0.6, 0, 0.8]].map((v) => Float32Array.from(v));
  const vocabulary = makeVocabulary(terms, terms, rows, 3);
  const query = (term: string): QueryTerm => ({ term, spelling: term, weight: 1, vector: rows[terms.indexOf(term)], namesAnswerType: false });
  const id = (term: string) => vocabulary.row.get(term)!;

  it("counts a derived form that is a near-synonym fully, and a plain near-synonym by its similarity", () => {
    const matcher = new SoftMatcher([query("weapon")], vocabulary);
    expect(matcher.coverage([id("weaponri")])[0]).toBeCloseTo(SOFT_MATCH_FACTOR, 5);
    expect(matcher.coverage([id("arm")])[0]).toBeCloseTo(SOFT_MATCH_FACTOR * 0.6, 5);
  });

  it("does not take a false friend for a derived form", () => {
    expect(new SoftMatcher([query("content")], vocabulary).coverage([id("contention")])[0]).toBe(0);
  });
});
