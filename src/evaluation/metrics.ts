import { z } from "zod";
import type { Answer } from "../retrieval/answer.js";

/** A quote longer than this is not counted as an answer, whatever it contains: a whole article is not an answer. */
export const MAX_RELEVANT_QUOTE_CHARS = 600;
/** Depth of the mean reciprocal rank. */
const MRR_DEPTH = 5;

/** One labelled question, in the format of `shared/eval/dev.json`. */
export const labelledQuestionSchema = z.object({
  id: z.string(),
  q: z.string(),
  gold: z.array(z.string()),
  unanswerable: z.boolean().optional(),
});
export type LabelledQuestion = z.infer<typeof labelledQuestionSchema>;

/** Parses a question set, naming the first bad entry. */
export function parseQuestionSet(data: unknown): LabelledQuestion[] {
  const parsed = z.array(labelledQuestionSchema).safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`question set: entry ${issue.path.join(".")} ${issue.message}`);
  }
  return parsed.data;
}

/** Case-, white-space- and quote-mark-insensitive form of a text, for matching gold spans. */
export function normalizeForMatch(text: string): string {
  return text
    .replace(/[‘’‚‛′`]/g, "'")
    .replace(/[“”„‟″]/g, '"')
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/** Whether a quote answers: it contains a gold span and is not over-long. */
export function isRelevant(quote: string, gold: readonly string[]): boolean {
  if (quote.length > MAX_RELEVANT_QUOTE_CHARS) return false;
  const text = normalizeForMatch(quote);
  return gold.some((span) => text.includes(normalizeForMatch(span)));
}

/** One question's outcome. */
export interface Outcome {
  question: LabelledQuestion;
  answer: Answer;
  /** 1-based rank of the first relevant quote, or 0 when none is. */
  rank: number;
  ms: number;
}

/** Grades one answer. */
export function grade(question: LabelledQuestion, answer: Answer, ms: number): Outcome {
  const index = answer.results.findIndex((result) => isRelevant(result.quote, question.gold));
  return { question, answer, rank: index + 1, ms };
}

/** The figures of an evaluation run. */
export interface Figures {
  questions: number;
  answerable: number;
  hitAt1: number;
  hitAt3: number;
  mrrAt5: number;
  /** Unanswerable questions refused, of all unanswerable ones. */
  abstained: number;
  unanswerable: number;
  /** Answerable questions wrongly refused, of all answerable ones. */
  falseAbstained: number;
  p50Ms: number;
  p95Ms: number;
  /** Expected calibration error of the first quote's score as the probability that it answers. */
  ece: number;
}

/** The p-th percentile (nearest rank) of some numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Sums up outcomes. Hit and MRR figures are over answerable questions only. */
export function summarizeOutcomes(outcomes: readonly Outcome[]): Figures {
  const answerable = outcomes.filter((outcome) => !outcome.question.unanswerable);
  const unanswerable = outcomes.filter((outcome) => outcome.question.unanswerable);
  const share = (count: number) => (answerable.length === 0 ? 0 : count / answerable.length);
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    hitAt1: share(answerable.filter((o) => o.rank === 1).length),
    hitAt3: share(answerable.filter((o) => o.rank >= 1 && o.rank <= 3).length),
    mrrAt5: share(answerable.reduce((sum, o) => sum + (o.rank >= 1 && o.rank <= MRR_DEPTH ? 1 / o.rank : 0), 0)),
    abstained: unanswerable.filter((o) => !o.answer.answered).length,
    unanswerable: unanswerable.length,
    falseAbstained: answerable.filter((o) => !o.answer.answered).length,
    p50Ms: percentile(outcomes.map((o) => o.ms), 50),
    p95Ms: percentile(outcomes.map((o) => o.ms), 95),
    ece: calibration(
      outcomes.map((o) => o.answer.results[0]?.score ?? 0),
      outcomes.map((o) => !o.question.unanswerable && o.rank === 1),
    ).ece,
  };
}

/** The one-line summary: `hit@1 0.xx  hit@3 0.xx  mrr@5 0.xxx  abstain a/b  false-abstain c/d  ece 0.xxx  p50 x ms  p95 y ms`. */
export function figuresLine(f: Figures): string {
  return `hit@1 ${f.hitAt1.toFixed(2)}  hit@3 ${f.hitAt3.toFixed(2)}  mrr@5 ${f.mrrAt5.toFixed(3)}  abstain ${f.abstained}/${f.unanswerable}  false-abstain ${f.falseAbstained}/${f.answerable}  ece ${f.ece.toFixed(3)}  p50 ${f.p50Ms.toFixed(1)} ms  p95 ${f.p95Ms.toFixed(1)} ms`;
}

/** Expected calibration error and the reliability table (equal-width bins of predicted probability). */
export function calibration(predicted: readonly number[], outcomes: readonly boolean[], bins = 10): { ece: number; table: { from: number; to: number; count: number; predicted: number; observed: number }[] } {
  const table = Array.from({ length: bins }, (_, b) => ({ from: b / bins, to: (b + 1) / bins, count: 0, predicted: 0, observed: 0 }));
  predicted.forEach((p, i) => {
    const bin = table[Math.min(bins - 1, Math.floor(p * bins))]!;
    bin.count++;
    bin.predicted += p;
    bin.observed += outcomes[i] ? 1 : 0;
  });
  let ece = 0;
  for (const bin of table) {
    if (bin.count === 0) continue;
    bin.predicted /= bin.count;
    bin.observed /= bin.count;
    ece += (bin.count / predicted.length) * Math.abs(bin.predicted - bin.observed);
  }
  return { ece, table };
}
