/**
 * Learned models of the ranking and the refusal: small linear models over named features,
 * trained by `npm run train:ranker` (scripts/train-ranker.ts) and shipped as one JSON file with a
 * checksum. Pure: features in, scores out.
 */
import { z } from "zod";

/** What is known of one candidate quote when it is ranked; each value is a number, most 0–1. */
export const CANDIDATE_FEATURES = [
  "quoteShare",
  "context",
  "similarity",
  "keyword",
  "typed",
  "exact",
  "passageShare",
  "typeMissing",
  "quoteLength",
  "inKeyword",
  "exactShare",
  "rarestCovered",
  "termsCovered",
  "twoSentences",
  "shareTimesSimilarity",
  "linked",
] as const;
export type CandidateFeatures = Record<(typeof CANDIDATE_FEATURES)[number], number>;

/** What is known of a question and its best quote when deciding whether the articles answer it. */
export const ANSWER_FEATURES = [
  "topRank",
  "margin",
  "topQuoteShare",
  "topSimilarity",
  "topExact",
  "topTyped",
  "unknownShare",
  "unknownNames",
  "questionTerms",
  "rankSpread",
] as const;
export type AnswerFeatures = Record<(typeof ANSWER_FEATURES)[number], number>;

const linearSchema = z.object({
  features: z.array(z.string()),
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
});

/** A linear model over standardised features: bias + Σ wᵢ (xᵢ − meanᵢ) / scaleᵢ. */
export type LinearModel = z.infer<typeof linearSchema>;

export const learnedModelsSchema = z.object({
  version: z.literal(1),
  ranker: linearSchema,
  /** Logistic: P(the first quote answers) = σ(linear). */
  answer: linearSchema,
  /** The probability under which the question is not taken as answered. */
  threshold: z.number().min(0).max(1),
  /** How the models were trained and measured (data, sizes, figures): for people. */
  trainedOn: z.record(z.string(), z.unknown()),
});
/** The ranking and refusal models as shipped. */
export type LearnedModels = z.infer<typeof learnedModelsSchema>;

/** The value of a linear model for named features; features it does not know are ignored, missing ones count 0. */
export function linearScore(model: LinearModel, values: Readonly<Record<string, number>>): number {
  let sum = model.bias;
  for (let i = 0; i < model.features.length; i++) sum += (model.weights[i]! * ((values[model.features[i]!] ?? 0) - model.mean[i]!)) / model.scale[i]!;
  return sum;
}

/** The logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Checks a parsed models file, naming the first problem. */
export function parseLearnedModels(data: unknown): LearnedModels {
  const parsed = learnedModelsSchema.safeParse(data);
  if (!parsed.success) throw new Error(`ranker.json: ${parsed.error.issues[0]!.path.join(".")} ${parsed.error.issues[0]!.message}`);
  for (const model of [parsed.data.ranker, parsed.data.answer]) {
    const n = model.features.length;
    if (model.mean.length !== n || model.scale.length !== n || model.weights.length !== n || model.scale.some((s) => !(s > 0))) throw new Error("ranker.json: a model's arrays do not match its features");
  }
  return parsed.data;
}
