/**
 * `npm run train:ranker -- [--questions 6000]`: fits the learned ranking and refusal
 * (src/retrieval/training.ts) on the SQuAD train split, calibrates the refusal (Platt) and picks its
 * threshold on the validation split, and writes `model/ranker/ranker.json` with its checksum.
 * The test split is never read. Deterministic: the same file on every run (given the same model
 * and corpus code).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildConfiguredIndex, embedderOptions } from "../src/app.js";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { loadEmbedder, type Embedder } from "../src/embeddings/embedder.js";
import { isRelevant, parseQuestionSet, type LabelledQuestion } from "../src/evaluation/metrics.js";
import { loadIndex } from "../src/index/snapshot.js";
import { sha256Hex } from "../src/index/manifest.js";
import { ANSWER_FEATURES, CANDIDATE_FEATURES, linearScore, sigmoid, type LearnedModels, type LinearModel } from "../src/retrieval/rankingModel.js";
import { answerFeatures, keptCandidates, Retriever, type RankedCandidates, type ScoredCandidate } from "../src/retrieval/retriever.js";
import { RANKER_DIR } from "../src/retrieval/shippedModels.js";
import { calibration, fitLogistic, fitRanker, type RankingGroup } from "../src/retrieval/training.js";

/** Highest share of answerable validation questions the refusal may turn away. */
const MAX_ANSWERABLE_REFUSED = 0.05;
const FIT = { ranker: { epochs: 300, learningRate: 0.05, l2: 1e-3 }, answer: { epochs: 400, learningRate: 0.05, l2: 1e-3 } };

const { values } = parseArgs({ options: { questions: { type: "string", default: "6000" } } });
const answerableCount = Number(values.questions);
const squad = join(PROJECT_ROOT, "data", "squad");
if (!existsSync(join(squad, "validation", "questions.json"))) execFileSync(process.execPath, ["--import", "tsx", "scripts/squad-sets.ts"], { cwd: PROJECT_ROOT, stdio: "inherit" });
const log = (line: string) => process.stderr.write(`${line}\n`);

async function splitRetriever(split: string, embedder: Embedder): Promise<{ retriever: Retriever; questions: LabelledQuestion[] }> {
  const config = loadConfig({ CORPUS_DIR: join(squad, split, "corpus"), INDEX_DIR: join(squad, split, "index"), LOG_LEVEL: "silent" });
  await buildConfiguredIndex(config, { embedder });
  const questions = parseQuestionSet(JSON.parse(await readFile(join(squad, split, "questions.json"), "utf8")));
  return { retriever: new Retriever(await loadIndex(config.INDEX_DIR), embedder), questions };
}

const rowOf = (features: Record<string, number>, names: readonly string[]) => names.map((name) => features[name] ?? 0);

/** The candidates re-ranked by a ranker, collapsed as /ask does: the kept ones in order, with their ranks. */
function reranked(ranked: RankedCandidates, ranker: LinearModel): { kept: ScoredCandidate[]; ranks: number[] } {
  const candidates = ranked.candidates.map((candidate) => ({ ...candidate, rank: linearScore(ranker, candidate.features) })).sort((a, b) => b.rank - a.rank || a.quote.start - b.quote.start);
  const kept = keptCandidates(candidates);
  return { kept, ranks: kept.map((candidate) => candidate.rank) };
}

async function rankAll(retriever: Retriever, questions: readonly LabelledQuestion[], what: string): Promise<{ question: LabelledQuestion; ranked: RankedCandidates }[]> {
  const out = [];
  for (const [i, question] of questions.entries()) {
    out.push({ question, ranked: await retriever.rank(question.q, true) });
    if ((i + 1) % 1000 === 0) log(`${what}: ${i + 1}/${questions.length} questions ranked`);
  }
  return out;
}

const started = performance.now();
const embedder = await loadEmbedder(embedderOptions(loadConfig({ LOG_LEVEL: "silent" })));
const train = await splitRetriever("train", embedder);
const trainQuestions = [...train.questions.filter((q) => !q.unanswerable).slice(0, answerableCount), ...train.questions.filter((q) => q.unanswerable)];
const trainRanked = await rankAll(train.retriever, trainQuestions, "train");

// 1. The ranker, on answerable questions with at least one relevant candidate.
const groups: RankingGroup[] = [];
for (const { question, ranked } of trainRanked) {
  if (question.unanswerable) continue;
  const relevant = ranked.candidates.map((candidate) => isRelevant(candidate.quote.quote, question.gold));
  if (relevant.some(Boolean)) groups.push({ rows: ranked.candidates.map((candidate) => rowOf(candidate.features, CANDIDATE_FEATURES)), relevant });
}
log(`ranker: ${groups.length} questions with a relevant candidate, ${groups.reduce((sum, g) => sum + g.rows.length, 0)} candidates`);
const ranker = fitRanker(CANDIDATE_FEATURES, groups, FIT.ranker);

// 2. The refusal, on every train question: does the first quote (after the learned ranking) answer?
const answerRows: number[][] = [];
const answerLabels: boolean[] = [];
for (const { question, ranked } of trainRanked) {
  const { kept, ranks } = reranked(ranked, ranker);
  if (kept.length === 0) continue;
  answerRows.push(rowOf(answerFeatures(ranked, kept[0]!, kept[1], ranks), ANSWER_FEATURES));
  answerLabels.push(!question.unanswerable && isRelevant(kept[0]!.quote.quote, question.gold));
}
const rawAnswer = fitLogistic(ANSWER_FEATURES, answerRows, answerLabels, FIT.answer);

// 3. Platt scaling and the threshold, on the validation split.
const validation = await splitRetriever("validation", embedder);
const validationRanked = await rankAll(validation.retriever, validation.questions, "validation");
const logits: number[] = [];
const answers: boolean[] = [];
const answerable: boolean[] = [];
let hits = 0;
for (const { question, ranked } of validationRanked) {
  const { kept, ranks } = reranked(ranked, ranker);
  const first = kept[0];
  const hit = !question.unanswerable && first !== undefined && isRelevant(first.quote.quote, question.gold);
  if (hit) hits++;
  logits.push(first ? linearScore(rawAnswer, answerFeatures(ranked, first, kept[1], ranks)) : -10);
  answers.push(hit);
  answerable.push(!question.unanswerable);
}
const platt = fitLogistic(["logit"], logits.map((z) => [z]), answers, { epochs: 500, learningRate: 0.05, l2: 0 });
// Fold the scaling into the model: σ(a·z + b) with z the raw model's value.
const a = platt.weights[0]! / platt.scale[0]!;
const b = platt.bias - a * platt.mean[0]!;
const answer: LinearModel = { ...rawAnswer, weights: rawAnswer.weights.map((w) => a * w), bias: a * rawAnswer.bias + b };
const probabilities = logits.map((z) => sigmoid(a * z + b));
const answerableProbabilities = probabilities.filter((_, i) => answerable[i]).sort((x, y) => x - y);
const threshold = answerableProbabilities[Math.floor(answerableProbabilities.length * MAX_ANSWERABLE_REFUSED)] ?? 0;
const refusedUnanswerable = probabilities.filter((p, i) => !answerable[i] && p < threshold).length;
const refusedAnswerable = probabilities.filter((p, i) => answerable[i] && p < threshold).length;
const answeredCorrect = probabilities.filter((p, i) => p >= threshold && answers[i]).length;
const answeredAll = probabilities.filter((p) => p >= threshold).length;
const { ece, table } = calibration(probabilities, answers);
const answerableTotal = answerable.filter(Boolean).length;
const figures = {
  validationHitAt1: hits / answerableTotal,
  validationRefusedUnanswerable: `${refusedUnanswerable}/${answerable.length - answerableTotal}`,
  validationRefusedAnswerable: `${refusedAnswerable}/${answerableTotal}`,
  precisionWhenAnswered: answeredCorrect / Math.max(1, answeredAll),
  expectedCalibrationError: ece,
  reliability: table.filter((bin) => bin.count > 0).map((bin) => ({ bin: `${bin.from.toFixed(1)}–${bin.to.toFixed(1)}`, count: bin.count, predicted: Number(bin.predicted.toFixed(3)), observed: Number(bin.observed.toFixed(3)) })),
};
log(JSON.stringify(figures, null, 1));

const models: LearnedModels = {
  version: 1,
  ranker,
  answer,
  threshold,
  trainedOn: {
    data: "SQuAD v1.1 train (Rajpurkar et al. 2016, CC BY-SA 4.0): train split for fitting, validation split for calibration and the threshold; test never read",
    embeddingModelKey: embedder.key,
    trainQuestions: { answerable: trainQuestions.filter((q) => !q.unanswerable).length, unanswerable: trainQuestions.filter((q) => q.unanswerable).length, rankerGroups: groups.length },
    threshold: `answerable validation questions refused at most ${MAX_ANSWERABLE_REFUSED * 100}%`,
    fit: FIT,
    figures,
  },
};
const text = `${JSON.stringify(models, null, 1)}\n`;
await mkdir(RANKER_DIR, { recursive: true });
await writeFile(join(RANKER_DIR, "ranker.json"), text);
await writeFile(join(RANKER_DIR, "checksums.json"), `${JSON.stringify({ "ranker.json": sha256Hex(text) }, null, 2)}\n`);
log(`wrote ${join(RANKER_DIR, "ranker.json")} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
