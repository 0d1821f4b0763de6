/** What people's votes say, quote by quote: which were marked wrong, for which questions, and which the rule moves down. */
import { tally, WRONG_VOTERS_TO_DEMOTE, type QuoteVote } from "./demotion.js";

/** The votes on one quote (its words at its place in one article). */
export interface QuoteFeedback {
  article: string;
  start: number;
  end: number;
  quote: string;
  /** Distinct people whose latest vote on it, for any question, says it does not answer / answers. */
  wrong: number;
  right: number;
  /** Each question it was voted on for, as the rule counts it (similar questions' votes included). */
  questions: { question: string; wrong: number; right: number; demoted: boolean }[];
  /** Whether it moves down for at least one of those questions. */
  demoted: boolean;
}

/** Everything the votes say. */
export interface FeedbackSummary {
  /** Current votes (one per person per answer), taken-back ones left out. */
  votes: number;
  people: number;
  /** Quotes at least one person marked wrong, most marked first. */
  markedWrong: QuoteFeedback[];
}

/** Sums up the current votes; pure. */
export function summarizeFeedback(votes: Iterable<QuoteVote>): FeedbackSummary {
  const cast = [...votes].filter((vote) => vote.vote !== "none");
  const byQuote = new Map<string, QuoteVote[]>();
  for (const vote of cast) {
    const key = JSON.stringify([vote.article, vote.start, vote.end, vote.quote]);
    byQuote.set(key, [...(byQuote.get(key) ?? []), vote]);
  }
  const markedWrong: QuoteFeedback[] = [];
  for (const group of byQuote.values()) {
    const { article, start, end, quote: text } = group[0]!;
    const quote = { source: { id: article }, start, end, quote: text };
    const overall = tally(quote, undefined, group);
    if (overall.wrong === 0) continue;
    const questions = [...new Set(group.map((vote) => vote.question))].map((question) => {
      const counted = tally(quote, question, group);
      return { question, ...counted, demoted: counted.wrong >= WRONG_VOTERS_TO_DEMOTE && counted.wrong > counted.right };
    });
    questions.sort((a, b) => b.wrong - a.wrong || a.question.localeCompare(b.question));
    markedWrong.push({ article, start, end, quote: text, ...overall, questions, demoted: questions.some((question) => question.demoted) });
  }
  markedWrong.sort((a, b) => b.wrong - a.wrong || a.right - b.right || a.article.localeCompare(b.article) || a.start - b.start);
  return { votes: cast.length, people: new Set(cast.map((vote) => vote.voter)).size, markedWrong };
}
