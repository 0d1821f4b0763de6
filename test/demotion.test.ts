import { describe, expect, it } from "vitest";
import { demoteMarkedWrong, questionSimilarity, SIMILAR_QUESTION_MIN, tally, WRONG_VOTERS_TO_DEMOTE, type QuoteVote } from "../src/app/demotion.js";
import type { Answer, Quote } from "../src/retrieval/answer.js";

const QUESTION = "what did Putin say about the treaty";

function quote(id: string, start: number, text = `Quote ${id} at ${start}.`): Quote {
  return { quote: text, source: { id, title: id, outlet: "", published: "", url: "" }, start, end: start + text.length, offsetsIn: "body", score: 0.9, alsoReportedBy: [], focus: { start, end: start + text.length } };
}

let clock = 0;
function vote(on: Quote, voter: string, choice: QuoteVote["vote"], question = QUESTION): QuoteVote {
  return { voter, vote: choice, at: new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString(), question, article: on.source.id, start: on.start, end: on.end, quote: on.quote };
}

const [a, b, c] = [quote("a", 10), quote("b", 20), quote("c", 30)];
const answer: Answer = { question: QUESTION, answered: true, results: [a, b, c] };
const demote = (votes: QuoteVote[]) => demoteMarkedWrong(answer, () => votes);

describe("the feedback rule", () => {
  it(`moves a quote marked wrong by ${WRONG_VOTERS_TO_DEMOTE} people after the others, which keep their order, and says by how many`, () => {
    const result = demote(["p1", "p2", "p3"].map((voter) => vote(a, voter, "wrong")));
    expect(result.results.map((q) => q.source.id)).toEqual(["b", "c", "a"]);
    expect(result.results[2]!.markedWrongBy).toBe(3);
    expect(result.results[0]!.markedWrongBy).toBeUndefined();
    expect(result.answered).toBe(true);
    expect(result.results).toHaveLength(3);
  });

  it("leaves a quote where it is with fewer people, however often they click", () => {
    expect(demote(["p1", "p2"].map((voter) => vote(a, voter, "wrong")))).toBe(answer);
    expect(demote(Array.from({ length: 10 }, () => vote(a, "p1", "wrong")))).toBe(answer);
  });

  it("counts each person's latest vote only: a vote taken back or turned to 👍 no longer counts", () => {
    const votes = ["p1", "p2", "p3"].map((voter) => vote(a, voter, "wrong"));
    expect(demote([...votes, vote(a, "p3", "none")])).toBe(answer);
    expect(demote([...votes, vote(a, "p2", "right")])).toBe(answer);
  });

  it("needs more people marking it wrong than right", () => {
    const wrong = ["p1", "p2", "p3"].map((voter) => vote(a, voter, "wrong"));
    const right = ["p4", "p5", "p6"].map((voter) => vote(a, voter, "right"));
    expect(demote([...wrong, ...right])).toBe(answer);
    expect(demote([...wrong, vote(a, "p7", "wrong"), ...right]).results.at(-1)!.source.id).toBe("a");
  });

  it("counts votes for similar questions only", () => {
    const similar = ["p1", "p2", "p3"].map((voter) => vote(a, voter, "wrong", "what did Putin say"));
    expect(demote(similar).results.at(-1)!.source.id).toBe("a");
    const other = ["p1", "p2", "p3"].map((voter) => vote(a, voter, "wrong", "when was the treaty signed in Moscow"));
    expect(demote(other)).toBe(answer);
  });

  it("counts votes on the same words only: another place, or an edited article's other text, starts afresh", () => {
    const elsewhere = ["p1", "p2", "p3"].map((voter) => ({ ...vote(a, voter, "wrong"), start: 11 }));
    expect(demote(elsewhere)).toBe(answer);
    const edited = ["p1", "p2", "p3"].map((voter) => ({ ...vote(a, voter, "wrong"), quote: "Other words at the same place." }));
    expect(demote(edited)).toBe(answer);
  });

  it("moves every quote marked wrong, in the retriever's order among themselves", () => {
    const votes = ["p1", "p2", "p3"].flatMap((voter) => [vote(c, voter, "wrong"), vote(a, voter, "wrong")]);
    expect(demote(votes).results.map((q) => q.source.id)).toEqual(["b", "a", "c"]);
  });

  it("tallies distinct people for any question when asked for none", () => {
    const votes = [vote(a, "p1", "wrong", "who signed"), vote(a, "p2", "wrong", "how long will it last"), vote(a, "p3", "right", "what is it")];
    expect(tally(a, undefined, votes)).toEqual({ wrong: 2, right: 1 });
    expect(tally(a, "who signed", votes)).toEqual({ wrong: 1, right: 0 });
  });
});

describe("how alike two questions are", () => {
  it("is the share of content terms they have in common", () => {
    expect(questionSimilarity("what did Putin say", "What did Putin say about the treaty?")).toBeGreaterThanOrEqual(SIMILAR_QUESTION_MIN);
    expect(questionSimilarity("what did Putin say", "what did Pezeshkian say")).toBeLessThan(SIMILAR_QUESTION_MIN);
    expect(questionSimilarity("Does the treaty include mutual defence?", "does the treaty include mutual defense")).toBe(1);
  });

  it("is 1 or 0 for questions with no content terms, by their text", () => {
    expect(questionSimilarity("what is it", "What is it ")).toBe(1);
    expect(questionSimilarity("what is it", "who is he")).toBe(0);
    expect(questionSimilarity("", "treaty")).toBe(0);
  });
});
