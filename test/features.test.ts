import { describe, expect, it } from "vitest";
import { matchDensity, pairShare, PAIR_WINDOW, questionKind } from "../src/retrieval/features.js";

describe("how a question's words stand in a quote", () => {
  const query = Int32Array.of(10, 11, 12); // "interest", "rate", "bank"

  it("counts the question's neighbouring word pairs the quote keeps close together, in order", () => {
    expect(pairShare(query, [[10, 11, 5, 12]])).toBe(1); // "interest rate", and "rate … bank" within the window
    expect(pairShare(query, [[10, 11, 5, 5, 5, 12]])).toBe(0.5); // "rate" and "bank" too far apart
    expect(pairShare(query, [[10, 1, 2, 3, 4, 11]])).toBe(0); // "interest" and "rate" far apart, "bank" missing
    expect(pairShare(query, [[11, 10]])).toBe(0); // the wrong order
    expect(pairShare(query, [[10, 11], [12]])).toBe(0.5); // a pair is kept within one sentence
    expect(pairShare(Int32Array.of(10), [[10]])).toBe(0);
    expect(pairShare(Int32Array.of(-1, 11), [[11]])).toBe(0); // a word the corpus never uses makes no pair
  });

  it("keeps a pair up to PAIR_WINDOW terms apart", () => {
    const gap = (n: number) => [10, ...Array.from({ length: n - 1 }, () => 99), 11];
    expect(pairShare(Int32Array.of(10, 11), [gap(PAIR_WINDOW)])).toBe(1);
    expect(pairShare(Int32Array.of(10, 11), [gap(PAIR_WINDOW + 1)])).toBe(0);
  });

  it("measures how tightly the matches stand: distinct matches over the stretch they span", () => {
    expect(matchDensity(query, [10, 11, 12])).toBe(1);
    expect(matchDensity(query, [10, 5, 5, 11])).toBe(0.5);
    expect(matchDensity(query, [10, 5, 10])).toBe(0); // one distinct term only
    expect(matchDensity(query, [])).toBe(0);
  });
});

describe("what kind of question it is", () => {
  it("names the question words wherever they stand, and the kind of answer asked for", () => {
    expect(questionKind("treaty signed when", "time")).toMatchObject({ wh_when: 1, wh_what: 0, type_time: 1, type_person: 0 });
    expect(questionKind("Whose book mentions informal economics?", "person")).toMatchObject({ wh_who: 1, type_person: 1 });
    expect(Object.values(questionKind("the harbour deal", undefined)).every((v) => v === 0)).toBe(true);
  });
});
