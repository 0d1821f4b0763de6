/**
 * The one place that decides how sure a quote is shown to be. Discord, the local console and
 * `npm run ask` all show `confidenceText` (reply/wording.ts), which puts this decision in words; the
 * number itself stays in `--json`.
 *
 * A quote's `score` is the calibrated probability that the quote answers the question, from the
 * learned judge of the ranking in use (either one); `answered` says whether the bot takes the
 * question as answered at all. The decision reads both: when the question is not answered, no
 * quote is a match, whatever its score; when it is, the score says how good a match each quote
 * is. Because the score is a probability, the thresholds read as one: measured on the SQuAD
 * validation split with `npm run labels` (every quote of the first page of 2,350 questions),
 * quotes scored 0.8 or more answer 0.86–0.95 of the time, 0.4–0.8 about half (0.47–0.78), under
 * 0.4 at most a third, with either ranking.
 */

/** How good a match a quote is, best first; "none" when the question is not answered. */
export type MatchStrength = "strong" | "possible" | "weak" | "none";

/** At or above this score a quote of an answered question is a strong match (SQuAD validation: see the README's table). */
export const STRONG_MATCH_MIN = 0.8;
/** At or above this score (below STRONG_MATCH_MIN) a possible match. */
export const POSSIBLE_MATCH_MIN = 0.4;

/**
 * How good a match a quote is, from its score, whether the question is answered, and whether the
 * quote lacks the kind of thing the question asks for (a date for "when", a span of time for "how
 * long", a cause for "why"): such a quote is at best a possible match, whatever its score, since a
 * high score there means the quote is about the question, not that it answers it.
 */
export function matchStrength(score: number, answered: boolean, kindMissing = false): MatchStrength {
  if (!answered) return "none";
  if (score >= STRONG_MATCH_MIN && !kindMissing) return "strong";
  if (score >= POSSIBLE_MATCH_MIN) return "possible";
  return "weak";
}
