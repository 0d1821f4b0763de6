import { describe, expect, it } from "vitest";
import { figuresLine, grade, isRelevant, percentile, summarizeOutcomes } from "../src/evaluation/metrics.js";
import type { Answer } from "../src/retrieval/answer.js";

const source = { id: "a", title: "T", outlet: "", published: "", url: "" };
const answer = (answered: boolean, ...quotes: string[]): Answer => ({ question: "q", answered, results: quotes.map((quote) => ({ quote, source, start: 0, end: quote.length, offsetsIn: "body", score: 0.5, alsoReportedBy: [], focus: { start: 0, end: quote.length } })) });

describe("evaluation metrics", () => {
  it("matches gold spans ignoring case, white space and quote marks", () => {
    expect(isRelevant("He said “This treaty will  provide” more.", ['this treaty will provide"'])).toBe(true);
    expect(isRelevant("He said this.", ['this treaty'])).toBe(false);
    expect(isRelevant("He said ‘This treaty’s  terms’", ["this treaty's terms"])).toBe(true);
  });

  it("does not count an over-long quote as an answer", () => {
    expect(isRelevant("gold ".repeat(130), ["gold"])).toBe(false);
  });

  it("computes hit@k, MRR, abstentions and percentiles", () => {
    const outcomes = [
      grade({ id: "1", q: "q", gold: ["x"] }, answer(true, "x"), 5),
      grade({ id: "2", q: "q", gold: ["x"] }, answer(true, "y", "z", "x"), 10),
      grade({ id: "3", q: "q", gold: ["x"] }, answer(false, "y"), 20),
      grade({ id: "4", q: "q", gold: [], unanswerable: true }, answer(false, "y"), 30),
    ];
    const f = summarizeOutcomes(outcomes);
    expect(f).toMatchObject({ answerable: 3, abstained: 1, unanswerable: 1, falseAbstained: 1 });
    expect(f.hitAt1).toBeCloseTo(1 / 3);
    expect(f.hitAt3).toBeCloseTo(2 / 3);
    expect(f.mrrAt5).toBeCloseTo((1 + 1 / 3) / 3);
    // Every first quote scores 0.5 and one in four answers: calibration error 0.25.
    expect(f.ece).toBeCloseTo(0.25);
    expect(figuresLine(f)).toMatch(/^hit@1 0\.33  hit@3 0\.67  mrr@5 0\.444  abstain 1\/1  false-abstain 1\/3  ece 0\.250  p50 10\.0 ms  p95 30\.0 ms$/);
    expect(percentile([], 50)).toBe(0);
  });
});
