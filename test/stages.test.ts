import { describe, expect, it } from "vitest";
import type { Answer, Quote } from "../src/retrieval/answer.js";
import { countStages, missStage, type CandidateView, type Trace } from "../src/evaluation/stages.js";

const BODY = "The strike began on Monday. It is due to last 48 hours. Drivers want more pay.\n\nThe company called it reckless.";
const quote = (text: string, score = 0.9, kindMissing = false): Quote => {
  const start = BODY.indexOf(text);
  return { quote: text, source: { id: "a", title: "t", outlet: "o", published: "", url: "" }, start, end: start + text.length, offsetsIn: "body", score, alsoReportedBy: [], focus: { start, end: start + text.length }, ...(kindMissing ? { kindMissing } : {}) } as Quote;
};
const candidate = (text: string, passage: [number, number] = [0, 80]): CandidateView => ({ articleId: "a", quote: text, passage: { start: passage[0], end: passage[1] } });
const trace = (gold: string[], candidates: CandidateView[], answer: Partial<Answer>, unanswerable = false): Trace => ({
  question: { id: "q", q: "how long is the strike", gold, ...(unanswerable ? { unanswerable } : {}) },
  candidates,
  answer: { question: "how long is the strike", answered: true, results: [], ...answer },
  body: (id) => (id === "a" ? BODY : undefined),
});

describe("missStage", () => {
  const gold = ["due to last 48 hours"];
  it("is none when the first quote answers and the question is answered", () => {
    expect(missStage(trace(gold, [candidate("It is due to last 48 hours.")], { results: [quote("It is due to last 48 hours.")] }))).toBeUndefined();
  });
  it("is refused when the first quote answers but the question was refused", () => {
    expect(missStage(trace(gold, [candidate("It is due to last 48 hours.")], { answered: false, results: [quote("It is due to last 48 hours.")] }))).toBe("refused");
  });
  it("is ranking when a candidate answers but another came first", () => {
    expect(missStage(trace(gold, [candidate("The strike began on Monday."), candidate("It is due to last 48 hours.")], { results: [quote("The strike began on Monday.")] }))).toBe("ranking");
  });
  it("is sentence when the answer's passage was a candidate but none of its quotes holds the answer", () => {
    expect(missStage(trace(gold, [candidate("The strike began on Monday.")], { results: [quote("The strike began on Monday.")] }))).toBe("sentence");
  });
  it("is retrieval when no candidate passage holds the answer", () => {
    expect(missStage(trace(gold, [candidate("The company called it reckless.", [81, 112])], { results: [quote("The company called it reckless.")] }))).toBe("retrieval");
  });
  it("is answered for an unanswerable question that got an answer, and none when it was refused", () => {
    expect(missStage(trace([], [], { results: [quote("Drivers want more pay.")] }, true))).toBe("answered");
    expect(missStage(trace([], [], { answered: false, results: [quote("Drivers want more pay.")] }, true))).toBeUndefined();
  });
});

describe("countStages", () => {
  it("counts strong first quotes that answer, strong ones on unanswerable questions, and no strong one that lacks the kind asked for", () => {
    const counts = countStages([
      trace(["due to last 48 hours"], [candidate("It is due to last 48 hours.")], { results: [quote("It is due to last 48 hours.", 0.95)] }),
      trace(["due to last 48 hours"], [candidate("The strike began on Monday.")], { results: [quote("The strike began on Monday.", 0.95)] }),
      trace(["due to last 48 hours"], [candidate("The strike began on Monday.")], { results: [quote("The strike began on Monday.", 0.95, true)] }),
      trace([], [], { results: [quote("Drivers want more pay.", 0.9)] }, true),
    ]);
    expect(counts.strong).toBe(3);
    expect(counts.strongRight).toBe(1);
    expect(counts.unanswerableStrong).toBe(1);
    expect(counts.misses).toEqual({ retrieval: 0, sentence: 2, ranking: 0, refused: 0, answered: 1 });
  });
});
