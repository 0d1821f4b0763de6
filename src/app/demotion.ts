/**
 * The feedback rule, applied after the retriever answers (the ranking itself never reads votes):
 * a quote that at least WRONG_VOTERS_TO_DEMOTE distinct people marked wrong, for questions similar
 * to this one, and that more people marked wrong than right, is shown after every other quote of
 * the answer, labelled with how many marked it wrong. Only votes on the same words count: the
 * article, the offsets and the quote's text must all match, so an edited article starts afresh.
 * The other quotes keep their order; nothing is removed, and whether the question is answered
 * does not change.
 */
import { contentTerms } from "../text/terms.js";
import type { Answer, Quote } from "../retrieval/answer.js";

/** Distinct people who must mark a quote wrong before it moves down: one or two can be mistaken or mischievous; three agreeing is a signal. */
export const WRONG_VOTERS_TO_DEMOTE = 3;
/**
 * How alike two questions must be for a vote on one to count for the other: the share of their
 * content terms (stemmed, stop words out) they have in common (Jaccard). 0.5 takes "what did
 * Putin say" and "what did Putin say about the treaty" (2 of 3 terms) as one question, and "what
 * did Pezeshkian say" (1 of 3) as another.
 */
export const SIMILAR_QUESTION_MIN = 0.5;

/** A vote as the rule reads it: who, which way, on which words, for which question. */
export interface QuoteVote {
  voter: string;
  vote: "right" | "wrong" | "none";
  at: string;
  question: string;
  article: string;
  start: number;
  end: number;
  quote: string;
}

/** How alike two questions are: shared content terms over all of them (1 for two questions with none, if their text is the same). */
export function questionSimilarity(a: string, b: string): number {
  const [x, y] = [new Set(contentTerms(a)), new Set(contentTerms(b))];
  if (x.size === 0 || y.size === 0) return a.trim().toLowerCase() === b.trim().toLowerCase() ? 1 : 0;
  let shared = 0;
  for (const term of x) if (y.has(term)) shared++;
  return shared / (x.size + y.size - shared);
}

/** How many distinct people marked `quote` right and wrong for questions like `question`, or for any question (each person's latest such vote counts). */
export function tally(quote: Pick<Quote, "quote" | "start" | "end"> & { source: { id: string } }, question: string | undefined, votes: Iterable<QuoteVote>): { wrong: number; right: number } {
  const latest = new Map<string, QuoteVote>();
  for (const vote of votes) {
    if (vote.article !== quote.source.id || vote.start !== quote.start || vote.end !== quote.end || vote.quote !== quote.quote) continue;
    if (question !== undefined && questionSimilarity(vote.question, question) < SIMILAR_QUESTION_MIN) continue;
    const seen = latest.get(vote.voter);
    if (!seen || seen.at <= vote.at) latest.set(vote.voter, vote);
  }
  let wrong = 0;
  let right = 0;
  for (const vote of latest.values()) {
    if (vote.vote === "wrong") wrong++;
    else if (vote.vote === "right") right++;
  }
  return { wrong, right };
}

/** The answer with the quotes people marked wrong for similar questions moved after the others (see the rule above). */
export function demoteMarkedWrong(answer: Answer, votesOn: (quote: Quote) => Iterable<QuoteVote>): Answer {
  const kept: Quote[] = [];
  const demoted: Quote[] = [];
  for (const quote of answer.results) {
    const { wrong, right } = tally(quote, answer.question, votesOn(quote));
    if (wrong >= WRONG_VOTERS_TO_DEMOTE && wrong > right) demoted.push({ ...quote, markedWrongBy: wrong });
    else kept.push(quote);
  }
  return demoted.length === 0 ? answer : { ...answer, results: [...kept, ...demoted] };
}
