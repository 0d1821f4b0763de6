/**
 * The one place that decides how sure a quote is shown to be. Discord, the local console and
 * `npm run ask` all show `confidenceText` (reply/wording.ts), which puts this decision in words; the
 * number itself stays in `--json`.
 *
 * A quote's `score` is the hand-tuned confidence (RANKING=hand, the default) or, with the learned
 * refusal (RANKING=learned), the calibrated probability that the quote answers; `answered` says
 * whether the bot takes the question as answered at all. The decision reads both: when the
 * question is not answered, no quote is a match, whatever its score; when it is, the score says
 * how good a match each quote is. The thresholds hold for both kinds of score: measured on the
 * SQuAD validation split with `npm run labels` (every quote of the first page of 2,350 questions),
 * each label answers less often than the one above it, with either ranking.
 */

/** How good a match a quote is, best first; "none" when the question is not answered. */
export type MatchStrength = "strong" | "possible" | "weak" | "none";

/**
 * At or above this score a quote of an answered question is a strong match. On SQuAD validation
 * 0.71 of such quotes answer with the hand ranking (0.86 as the first quote), 0.93 with the learned.
 */
export const STRONG_MATCH_MIN = 0.85;
/** At or above this score (below STRONG_MATCH_MIN) a possible match: 0.21 of such quotes answer (0.65 first), 0.58 learned. */
export const POSSIBLE_MATCH_MIN = 0.6;

/** How good a match a quote is, from its score and whether the question is answered. (Weak: 0.03 answer with the hand ranking, 0.06 learned; none: 0.04.) */
export function matchStrength(score: number, answered: boolean): MatchStrength {
  if (!answered) return "none";
  if (score >= STRONG_MATCH_MIN) return "strong";
  if (score >= POSSIBLE_MATCH_MIN) return "possible";
  return "weak";
}
