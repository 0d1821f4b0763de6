/**
 * Pure helpers for the features the learned ranking and refusal read: how a question's terms
 * stand in a quote's term sequence (pairs kept together, how close the matches are), what kind of
 * question it is, and how a candidate compares with the best of its question's candidates.
 */
import type { AnswerType } from "./answerType.js";

/** Positions apart (in content terms) at which two question words still count as kept together. */
export const PAIR_WINDOW = 3;

/**
 * Share of the question's neighbouring content-word pairs (in question order) that the quote
 * also has close together, in the same order: "interest rate" meets "the interest rate", not
 * "rate … of interest" far apart. `queryIds` are the question terms' vocabulary ids (-1 unknown).
 */
export function pairShare(queryIds: Int32Array, lists: readonly ArrayLike<number>[]): number {
  if (queryIds.length < 2) return 0;
  let pairs = 0;
  let kept = 0;
  for (let i = 0; i + 1 < queryIds.length; i++) {
    const a = queryIds[i]!;
    const b = queryIds[i + 1]!;
    if (a < 0 || b < 0) continue;
    pairs++;
    if (lists.some((list) => hasPair(list, a, b))) kept++;
  }
  return pairs === 0 ? 0 : kept / pairs;
}

function hasPair(list: ArrayLike<number>, a: number, b: number): boolean {
  let lastA = -Infinity;
  for (let p = 0; p < list.length; p++) {
    const id = list[p]!;
    if (id === b && p - lastA <= PAIR_WINDOW) return true;
    if (id === a) lastA = p;
  }
  return false;
}

/**
 * How tightly the question's words stand in a sentence: distinct matched question terms over the
 * width (in content terms) of the stretch from the first match to the last; 0 with fewer than two.
 */
export function matchDensity(queryIds: Int32Array, list: ArrayLike<number>): number {
  let first = -1;
  let last = -1;
  const seen = new Set<number>();
  for (let p = 0; p < list.length; p++) {
    const id = list[p]!;
    if (id < 0) continue;
    for (let i = 0; i < queryIds.length; i++) {
      if (queryIds[i] !== id) continue;
      seen.add(id);
      if (first < 0) first = p;
      last = p;
      break;
    }
  }
  return seen.size < 2 ? 0 : seen.size / (last - first + 1);
}

/** The question words a question opens or ends with, for the question-type features. */
const WH_WORDS = ["what", "which", "who", "when", "where", "why", "how"] as const;
const ANSWER_TYPES = ["time", "duration", "quantity", "person", "place"] as const;

/** Question-type features: which question words it uses (anywhere: "founded when"), what kind of answer it wants. */
export function questionKind(question: string, answerType: AnswerType): Record<string, number> {
  const words = new Set(question.toLowerCase().match(/\p{L}+/gu) ?? []);
  const kind: Record<string, number> = {};
  for (const wh of WH_WORDS) kind[`wh_${wh}`] = words.has(wh) || (wh === "who" && words.has("whom")) || (wh === "who" && words.has("whose")) ? 1 : 0;
  for (const type of ANSWER_TYPES) kind[`type_${type}`] = answerType === type ? 1 : 0;
  return kind;
}

/** The names of the question-type features, in a fixed order. */
export const QUESTION_KIND_FEATURES = [
  ...WH_WORDS.map((wh) => `wh_${wh}` as const),
  ...ANSWER_TYPES.map((type) => `type_${type}` as const),
] as readonly (`wh_${(typeof WH_WORDS)[number]}` | `type_${(typeof ANSWER_TYPES)[number]}`)[];
