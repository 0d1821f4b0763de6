/**
 * Learned models of the ranking and the refusal, trained by `npm run train:ranker`
 * (scripts/train-ranker.ts, which fits them with scripts/train_ranker.py) and shipped as one JSON
 * file with a checksum: gradient-boosted trees or linear models over named features, and a
 * monotone map from the refusal model's value to a calibrated probability. Pure: features in,
 * scores out.
 */
import { z } from "zod";
import { QUESTION_KIND_FEATURES } from "./features.js";

/** What is known of one candidate quote when it is ranked; each value is a number, most 0–1. */
export const CANDIDATE_FEATURES = [
  "handRank",
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
  "softShare",
  "rarestCovered",
  "termsCovered",
  "twoSentences",
  "shareTimesSimilarity",
  "linked",
  "bestInPassage",
  "pairShare",
  "density",
  "articleShare",
  "titleShare",
  "articleVotes",
  "position",
  "keywordPlace",
  "vectorPlace",
  "quoteShareBehind",
  "similarityBehind",
  "exactShareBehind",
  "exactBehind",
  "articleShareBehind",
  "titleShareBehind",
  "pairShareBehind",
  "sentenceSimilarity",
  "sentenceSimilarityBehind",
  "shareBehindInArticle",
  "sentenceSimilarityBehindInArticle",
  "newNames",
  "newNumbers",
  "newWords",
  "questionTerms",
  "corpusSize",
  ...QUESTION_KIND_FEATURES,
] as const;
export type CandidateFeatures = Record<(typeof CANDIDATE_FEATURES)[number], number>;

/** What is known of a question and a quote at its place in the ranking, when deciding whether it answers. */
export const ANSWER_FEATURES = [
  "topRank",
  "margin",
  "rankSpread",
  "topQuoteShare",
  "topExactShare",
  "topSimilarity",
  "topExact",
  "topTyped",
  "topArticleShare",
  "topTitleShare",
  "topRarestCovered",
  "topPairShare",
  "topSentenceSimilarity",
  "bestArticleShare",
  "unknownShare",
  "unknownCount",
  "unknownNames",
  "questionTerms",
  "corpusSize",
  /** The quote's place in the ranking, 0 for the first: the refusal reads the first; the score every shown one. */
  "place",
  ...QUESTION_KIND_FEATURES,
] as const;
export type AnswerFeatures = Record<(typeof ANSWER_FEATURES)[number], number>;

const linearSchema = z.object({
  kind: z.literal("linear"),
  features: z.array(z.string()),
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
});

/** A linear model over standardised features: bias + Σ wᵢ (xᵢ − meanᵢ) / scaleᵢ. */
export type LinearModel = z.infer<typeof linearSchema>;

const treeSchema = z.object({
  /** Per node: the feature index it splits on, or -1 for a leaf. */
  feature: z.array(z.number().int().min(-1)),
  /** Per node: go left when the value is below this; for a leaf, its value. */
  threshold: z.array(z.number()),
  left: z.array(z.number().int().min(0)),
  right: z.array(z.number().int().min(0)),
});

const treesSchema = z.object({
  kind: z.literal("trees"),
  features: z.array(z.string()),
  /** Added to the sum of the trees' leaves. */
  base: z.number(),
  trees: z.array(treeSchema),
});

/** Gradient-boosted regression trees: base + the sum of each tree's leaf for the features. */
export type TreeEnsemble = z.infer<typeof treesSchema>;

const modelSchema = z.discriminatedUnion("kind", [linearSchema, treesSchema]);
/** A ranking or refusal model. */
export type Model = z.infer<typeof modelSchema>;

/** A monotone piecewise-linear map (isotonic regression's steps, joined): x ascending, y non-decreasing. */
const calibrationSchema = z.object({ x: z.array(z.number()).min(1), y: z.array(z.number().min(0).max(1)).min(1) });

/** How one ranking's quotes are scored and its questions refused. */
const judgeSchema = z.object({
  /** A quote's score: `calibration` turns its raw value into P(the quote answers the question). */
  answer: modelSchema,
  calibration: calibrationSchema,
  /** The refusal: `refusalCalibration` turns its raw value into P(the articles answer the question). */
  refusal: modelSchema,
  refusalCalibration: calibrationSchema,
  /** The refusal's probability under which the question is not taken as answered. */
  threshold: z.number().min(0).max(1),
});
/** A ranking's score and refusal models. */
export type Judge = z.infer<typeof judgeSchema>;

/** The format of the shipped models file; a file of another format is not used (retrain it). */
export const LEARNED_MODELS_VERSION = 3;

export const learnedModelsSchema = z.object({
  version: z.literal(LEARNED_MODELS_VERSION),
  /** The learned ranking. */
  ranker: modelSchema,
  /** Scores and refusal for the learned ranking's order, and for the hand-tuned ranking's. */
  learned: judgeSchema,
  hand: judgeSchema,
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

/** A tree ensemble flattened into typed arrays: every tree's nodes one after another, children as absolute indices. */
interface FlatTrees {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  base: number;
  features: readonly string[];
}

/** Flattened ensembles, made once per model (a question scores a few hundred candidates with each). */
const flattened = new WeakMap<TreeEnsemble, FlatTrees>();

function flatten(model: TreeEnsemble): FlatTrees {
  let flat = flattened.get(model);
  if (flat) return flat;
  const size = model.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  flat = { roots: new Int32Array(model.trees.length), feature: new Int32Array(size), threshold: new Float32Array(size), left: new Int32Array(size), right: new Int32Array(size), base: model.base, features: model.features };
  let at = 0;
  model.trees.forEach((tree, t) => {
    flat!.roots[t] = at;
    for (let node = 0; node < tree.feature.length; node++) {
      flat!.feature[at + node] = tree.feature[node]!;
      flat!.threshold[at + node] = tree.threshold[node]!;
      flat!.left[at + node] = at + tree.left[node]!;
      flat!.right[at + node] = at + tree.right[node]!;
    }
    at += tree.feature.length;
  });
  flattened.set(model, flat);
  return flat;
}

/** The value of a tree ensemble for named features (missing ones count 0). */
export function treesScore(model: TreeEnsemble, values: Readonly<Record<string, number>>): number {
  const flat = flatten(model);
  // The trees were fitted on float32 features, with float32 thresholds: compare as they were.
  const x = new Float32Array(flat.features.length);
  for (let i = 0; i < x.length; i++) x[i] = values[flat.features[i]!] ?? 0;
  const { roots, feature, threshold, left, right } = flat;
  let sum = flat.base;
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t]!;
    for (let f = feature[node]!; f >= 0; f = feature[node]!) node = x[f]! < threshold[node]! ? left[node]! : right[node]!;
    sum += threshold[node]!;
  }
  return sum;
}

/** A model's value for named features. */
export function modelScore(model: Model, values: Readonly<Record<string, number>>): number {
  return model.kind === "trees" ? treesScore(model, values) : linearScore(model, values);
}

/** The calibrated probability for a refusal model's raw value. */
export function probability(calibration: Judge["calibration"], raw: number): number {
  const { x, y } = calibration;
  if (raw <= x[0]!) return y[0]!;
  if (raw >= x.at(-1)!) return y.at(-1)!;
  let low = 0;
  let high = x.length - 1;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (x[mid]! <= raw) low = mid;
    else high = mid;
  }
  const span = x[high]! - x[low]!;
  return span <= 0 ? y[high]! : y[low]! + ((y[high]! - y[low]!) * (raw - x[low]!)) / span;
}

/** The logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function checkModel(model: Model, what: string): void {
  const n = model.features.length;
  if (model.kind === "linear") {
    if (model.mean.length !== n || model.scale.length !== n || model.weights.length !== n || model.scale.some((s) => !(s > 0))) throw new Error(`ranker.json: the ${what} model's arrays do not match its features`);
    return;
  }
  model.trees.forEach((tree, t) => {
    const size = tree.feature.length;
    if (tree.threshold.length !== size || tree.left.length !== size || tree.right.length !== size || size === 0) throw new Error(`ranker.json: tree ${t} of the ${what} model has arrays of different lengths`);
    // Children come after their parent, so evaluation always ends at a leaf.
    for (let node = 0; node < size; node++) {
      const feature = tree.feature[node]!;
      if (feature >= n) throw new Error(`ranker.json: tree ${t} of the ${what} model splits on feature ${feature}, which it does not have`);
      if (feature >= 0 && !(tree.left[node]! > node && tree.left[node]! < size && tree.right[node]! > node && tree.right[node]! < size)) throw new Error(`ranker.json: tree ${t} of the ${what} model has a node whose children are not after it`);
    }
  });
}

/** The hand-tuned ranking as a model: its rank, as is (for training the refusal that goes with it). */
export const HAND_RANKER: LinearModel = Object.freeze({ kind: "linear", features: ["handRank"], mean: [0], scale: [1], weights: [1], bias: 0 }) as LinearModel;

/** Checks a parsed models file, naming the first problem. */
export function parseLearnedModels(data: unknown): LearnedModels {
  const parsed = learnedModelsSchema.safeParse(data);
  if (!parsed.success) throw new Error(`ranker.json: ${parsed.error.issues[0]!.path.join(".")} ${parsed.error.issues[0]!.message}`);
  checkModel(parsed.data.ranker, "ranking");
  for (const ranking of ["learned", "hand"] as const) {
    const judge = parsed.data[ranking];
    checkModel(judge.answer, `${ranking} ranking's score`);
    checkModel(judge.refusal, `${ranking} ranking's refusal`);
    for (const [name, { x, y }] of [["calibration", judge.calibration], ["refusalCalibration", judge.refusalCalibration]] as const) {
      if (x.length !== y.length || x.some((v, i) => i > 0 && v < x[i - 1]!) || y.some((v, i) => i > 0 && v < y[i - 1]!)) throw new Error(`ranker.json: the ${ranking} ranking's ${name} is not a monotone map`);
    }
  }
  return parsed.data;
}
