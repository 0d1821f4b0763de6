/**
 * Where a labelled question was lost, stage by stage: the answer's passage never became a
 * candidate (retrieval), it did but none of its candidate quotes holds the answer (sentence), a
 * quote that answers was ranked below another (ranking), the first quote answers but the bot
 * refused (refused), or an unanswerable question was answered (answered). Pure.
 */
import type { Answer } from "../retrieval/answer.js";
import { matchStrength } from "../reply/confidence.js";
import { isRelevant, normalizeForMatch, type LabelledQuestion } from "./metrics.js";

/** The stages a question can be lost at, in pipeline order. */
export const MISS_STAGES = ["retrieval", "sentence", "ranking", "refused", "answered"] as const;
export type MissStage = (typeof MISS_STAGES)[number];

/** What the stage analysis reads of one candidate quote. */
export interface CandidateView {
  articleId: string;
  quote: string;
  /** The candidate passage's offsets in its article. */
  passage: { start: number; end: number };
}

/** One question's trace: its candidates (best first, all of them) and the answer shown. */
export interface Trace {
  question: LabelledQuestion;
  candidates: readonly CandidateView[];
  answer: Answer;
  /** An article's text, by id. */
  body: (articleId: string) => string | undefined;
}

/** Whether a candidate passage's text holds one of the gold spans. */
function passageHoldsGold(candidate: CandidateView, gold: readonly string[], body: Trace["body"]): boolean {
  const text = body(candidate.articleId);
  if (text === undefined) return false;
  const passage = normalizeForMatch(text.slice(candidate.passage.start, candidate.passage.end));
  return gold.some((span) => passage.includes(normalizeForMatch(span)));
}

/** The stage a question was lost at, or undefined when the first quote answers (or an unanswerable question is refused). */
export function missStage(trace: Trace): MissStage | undefined {
  const { question, answer, candidates } = trace;
  if (question.unanswerable) return answer.answered ? "answered" : undefined;
  const first = answer.results[0];
  if (first && isRelevant(first.quote, question.gold)) return answer.answered ? undefined : "refused";
  if (candidates.some((candidate) => isRelevant(candidate.quote, question.gold))) return "ranking";
  if (candidates.some((candidate) => passageHoldsGold(candidate, question.gold, trace.body))) return "sentence";
  return "retrieval";
}

/** Counts of misses per stage, and how "strong match" fared. */
export interface StageCounts {
  questions: number;
  misses: Record<MissStage, number>;
  /** First quotes shown as a strong match (answerable questions or not), and how many of them answer. */
  strong: number;
  strongRight: number;
  /** Unanswerable questions whose first quote was shown as a strong match. */
  unanswerableStrong: number;
  unanswerable: number;
}

/** Whether the first quote of an answer is shown as a strong match. */
export function firstIsStrong(answer: Answer): boolean {
  const first = answer.results[0];
  return first !== undefined && matchStrength(first.score, answer.answered, first.kindMissing) === "strong";
}

/** Sums up the traces of a set. */
export function countStages(traces: readonly Trace[]): StageCounts {
  const misses = Object.fromEntries(MISS_STAGES.map((stage) => [stage, 0])) as Record<MissStage, number>;
  const counts: StageCounts = { questions: traces.length, misses, strong: 0, strongRight: 0, unanswerableStrong: 0, unanswerable: 0 };
  for (const trace of traces) {
    const stage = missStage(trace);
    if (stage) misses[stage]++;
    const strong = firstIsStrong(trace.answer);
    if (strong) counts.strong++;
    if (trace.question.unanswerable) {
      counts.unanswerable++;
      if (strong) counts.unanswerableStrong++;
    } else if (strong && isRelevant(trace.answer.results[0]!.quote, trace.question.gold)) counts.strongRight++;
  }
  return counts;
}

/** One line: `lost at retrieval 3, sentence 1, ranking 7, refused 2, answered 4; strong right 20/22, unanswerable strong 1/10`. */
export function stageLine(counts: StageCounts): string {
  const lost = MISS_STAGES.map((stage) => `${stage} ${counts.misses[stage]}`).join(", ");
  return `lost at ${lost}; strong right ${counts.strongRight}/${counts.strong}, unanswerable strong ${counts.unanswerableStrong}/${counts.unanswerable}`;
}
