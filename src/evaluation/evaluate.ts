/**
 * Runs a labelled question set through a retriever, the same path as `/ask`: each question's
 * outcome and, with `why`, its trace for the stage analysis (stages.ts).
 */
import type { Retriever } from "../retrieval/retriever.js";
import { grade, summarizeOutcomes, type Figures, type LabelledQuestion, type Outcome } from "./metrics.js";
import { countStages, type StageCounts, type Trace } from "./stages.js";

/** What one run over a set gives. */
export interface Evaluation {
  outcomes: Outcome[];
  /** In the order of `outcomes`; empty without `why`. */
  traces: Trace[];
  figures: Figures;
  stages: StageCounts | undefined;
}

/** Asks every question of a set and grades the answers; with `why`, also every question's candidates. */
export async function evaluate(retriever: Retriever, questions: readonly LabelledQuestion[], why: boolean): Promise<Evaluation> {
  const outcomes: Outcome[] = [];
  const traces: Trace[] = [];
  const bodies = new Map<string, string | undefined>();
  for (const question of questions) {
    const started = performance.now();
    const answer = await retriever.ask(question.q);
    outcomes.push(grade(question, answer, performance.now() - started));
    if (!why) continue;
    // Every candidate of the question, as the ranking saw them (asked again: the timing above is the reply's alone).
    const ranked = await retriever.rank(question.q);
    const candidates = ranked.candidates.map((candidate) => ({ articleId: candidate.quote.source.id, quote: candidate.quote.quote, passage: candidate.passage }));
    for (const { articleId } of candidates) if (!bodies.has(articleId)) bodies.set(articleId, await retriever.source.body(articleId));
    traces.push({ question, candidates, answer, body: (id) => bodies.get(id) });
  }
  return { outcomes, traces, figures: summarizeOutcomes(outcomes), stages: why ? countStages(traces) : undefined };
}
