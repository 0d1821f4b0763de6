import { describe, expect, it } from "vitest";
import { makeVocabulary } from "../src/index/vocabulary.js";
import { SOFT_MATCH_FACTOR, SoftMatcher, type QueryTerm } from "../src/retrieval/softMatch.js";

describe("names in soft matching", () => {
  /** Unit vectors in 3-d at the given angles in the x–y plane (z for the third group). */
  const unit = (x: number, y: number, z: number) => {
    const n = Math.hypot(x, y, z);
    return [x / n, y / n, z / n];
  };
  const terms = ["moscow", "kyiv", "russia", "russian", "attack", "aggress"];
  const rows = [unit(1, 0.2, 0), unit(1, 0.25, 0), unit(0, 1, 0.1), unit(0, 1, 0.15), unit(0.1, 0, 1), unit(0.15, 0, 1)].map((v) => Float32Array.from(v));
  const query = (term: string): QueryTerm => ({ term, spelling: term, weight: 1, vector: rows[terms.indexOf(term)], namesAnswerType: false });

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

describe("the soft match's dot products", () => {
  it("give the plain JavaScript loop's strengths, bit for bit, whatever the question's length, with matchers taking turns", () => {
    let x = 12345;
    const next = () => ((x = (Math.imul(x, 1103515245) + 12345) | 0) / 2 ** 31);
    for (const dimensions of [3, 8, 100]) {
      const count = 40;
      const rows = Array.from({ length: count }, () => {
        const v = Float32Array.from({ length: dimensions }, next);
        const n = Math.hypot(...v);
        return v.map((value) => value / n);
      });
      const terms = rows.map((_, i) => `term${i}`);
      const vocabulary = makeVocabulary(terms, terms, rows, dimensions);
      // Query vectors near some rows, so that many pairs pass the floor with values that need every bit.
      const queryOf = (length: number): QueryTerm[] =>
        Array.from({ length }, (_, i) => ({ term: `q${i}`, spelling: `q${i}`, weight: 1, vector: i % 4 === 3 ? undefined : rows[(i * 7) % count]!.map((value) => value + 0.2 * next()), namesAnswerType: false }));
      const matchers = [1, 2, 5, 9].map((length) => new SoftMatcher(queryOf(length), vocabulary));
      for (let doc = 0; doc < count; doc++) {
        for (const matcher of matchers) {
          const got = matcher.coverage([doc]);
          matcher.query.forEach((q, i) => {
            let dot = 0;
            if (q.vector) for (let k = 0; k < dimensions; k++) dot += q.vector[k]! * rows[doc]![k]!;
            const expected = q.vector && dot >= 0.3 ? Math.fround(SOFT_MATCH_FACTOR * dot) : 0;
            expect(got[i]).toBe(expected);
          });
        }
      }
    }
  });
});
