/**
 * `npm run calibrate -- [--write]`: calibrates the learned judge's scores and refusal (both
 * rankings) on every kind of development set at once — SQuAD validation (Wikipedia, written and
 * chat-style questions) and the news/chat dev split (eval/news-chat) — instead of SQuAD alone.
 *
 * For each kind of set, the judge's raw values are mapped to probabilities by isotonic regression
 * (src/evaluation/isotonic.ts; for the scores, each block's 90% lower confidence bound); the shipped map is the lowest of them at every raw value, so a
 * quote scored p answers at least p of the time on each kind (a "strong match", 0.8 and up, is
 * one on news and chat too, not only on Wikipedia). The refusal's threshold is the highest that
 * refuses at most MAX_ANSWERABLE_REFUSED of the answerable questions of each kind. The trees are
 * not refitted (that is `npm run train:ranker`); test splits are never read. Prints the figures;
 * with --write, writes model/ranker/ranker.json and its checksum.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildConfiguredIndex, embedderOptions } from "../src/app/open.js";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { isotonicMap, lowestOf, mapAt, rocAuc, type CalibrationMap } from "../src/evaluation/isotonic.js";
import { isRelevant, parseQuestionSet, type LabelledQuestion } from "../src/evaluation/metrics.js";
import { loadIndex } from "../src/index/snapshot.js";
import { sha256Hex } from "../src/index/manifest.js";
import { collapseSameFacts } from "../src/retrieval/dedupe.js";
import { modelScore, parseLearnedModels, type LearnedModels } from "../src/retrieval/rankingModel.js";
import { answerFeatures, completeForJudge, DEFAULT_RESULT_COUNT, REFUSAL_RANKS, Retriever, type Ranking } from "../src/retrieval/retriever.js";
import { evalIndexDir } from "./evalIndex.js";
import { loadShippedModels, RANKER_DIR } from "../src/retrieval/shippedModels.js";

/** At most this share of each kind's answerable questions may be refused (as train:ranker's MAX_ANSWERABLE_REFUSED). */
const MAX_ANSWERABLE_REFUSED = 0.05;
/** Each calibration block's probability is its one-sided 90% lower confidence bound: small blocks (the news set's few high-scored quotes) do not claim more than they show. */
const LOWER_BOUND_Z = 1.2816;

const { values } = parseArgs({ options: { write: { type: "boolean" } } });
const data = join(PROJECT_ROOT, "data");
/** The kinds of development set, each a corpus and its questions. */
const KINDS: { name: string; parts: { corpus: string; questions: string }[] }[] = [
  {
    name: "wikipedia (SQuAD validation)",
    parts: [
      { corpus: join(data, "squad", "validation", "corpus"), questions: join(data, "squad", "validation", "questions.json") },
      { corpus: join(data, "squad", "validation", "corpus"), questions: join(data, "squad", "validation", "questions-chat.json") },
    ],
  },
  { name: "news/chat (eval/news-chat dev)", parts: [{ corpus: join(data, "news-chat", "corpus"), questions: join(data, "news-chat", "questions-dev.json") }] },
];

const config = loadConfig({ LOG_LEVEL: "silent" });
const embedder = await loadEmbedder(embedderOptions(config));
const shipped = await loadShippedModels(embedder.key);
if (!shipped.models) throw new Error(`no learned models to calibrate: ${shipped.reason}`);
const models: LearnedModels = shipped.models;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** One kind's raw values: each shown quote's score value with whether it answers, and each question's refusal value with whether it is answerable. */
interface Samples {
  score: number[];
  answers: number[];
  refusal: number[];
  answerable: boolean[];
}

async function samplesOf(kind: (typeof KINDS)[number], ranking: Ranking): Promise<Samples> {
  const judge = models[ranking];
  const samples: Samples = { score: [], answers: [], refusal: [], answerable: [] };
  for (const part of kind.parts) {
    const partConfig = loadConfig({ CORPUS_DIR: part.corpus, INDEX_DIR: evalIndexDir(part.corpus), LOG_LEVEL: "silent" });
    await buildConfiguredIndex(partConfig, { embedder });
    const retriever = new Retriever(await loadIndex(partConfig.INDEX_DIR), embedder, models, ranking);
    const questions: LabelledQuestion[] = parseQuestionSet(JSON.parse(await readFile(part.questions, "utf8")));
    for (const question of questions) {
      // As Retriever.ask() does: the kept quotes, their judge features, each at its place.
      const ranked = await retriever.rank(question.q);
      const { kept } = collapseSameFacts(ranked.candidates, Math.max(DEFAULT_RESULT_COUNT + 1, REFUSAL_RANKS));
      if (kept.length === 0) continue;
      for (const candidate of kept.slice(0, DEFAULT_RESULT_COUNT)) completeForJudge(ranked, candidate);
      const ranks = kept.map((candidate) => candidate.rank);
      kept.slice(0, DEFAULT_RESULT_COUNT).forEach((candidate, i) => {
        const features = answerFeatures(ranked, candidate, kept[i + 1], ranks, i);
        samples.score.push(modelScore(judge.answer, features));
        samples.answers.push(!question.unanswerable && isRelevant(candidate.quote.quote, question.gold) ? 1 : 0);
        if (i === 0) {
          samples.refusal.push(modelScore(judge.refusal, features));
          samples.answerable.push(!question.unanswerable);
        }
      });
    }
  }
  return samples;
}

/** The highest raw refusal value that refuses at most MAX_ANSWERABLE_REFUSED of a kind's answerable questions. */
function refusalCut(samples: Samples): number {
  const answerable = samples.refusal.filter((_, i) => samples.answerable[i]).sort((a, b) => a - b);
  return answerable[Math.floor(answerable.length * MAX_ANSWERABLE_REFUSED)] ?? -Infinity;
}

const calibrated = structuredClone(models) as LearnedModels;
const report: Record<string, unknown> = {};
for (const ranking of ["hand", "learned"] as const) {
  const perKind = [] as { name: string; samples: Samples; score: CalibrationMap; refusal: CalibrationMap }[];
  for (const kind of KINDS) {
    const samples = await samplesOf(kind, ranking);
    perKind.push({ name: kind.name, samples, score: isotonicMap(samples.score, samples.answers, LOWER_BOUND_Z), refusal: isotonicMap(samples.refusal, samples.answerable.map(Number)) });
  }
  const score = lowestOf(perKind.map((kind) => kind.score));
  const refusal = lowestOf(perKind.map((kind) => kind.refusal));
  const cut = Math.min(...perKind.map((kind) => refusalCut(kind.samples)));
  const threshold = mapAt(refusal, cut);
  calibrated[ranking] = { ...calibrated[ranking], calibration: score, refusalCalibration: refusal, threshold };
  report[ranking] = perKind.map(({ name, samples }) => {
    const refused = samples.refusal.map((raw) => mapAt(refusal, raw) < threshold);
    const strong = samples.score.map((raw) => mapAt(score, raw) >= 0.8);
    const strongRight = strong.filter((s, i) => s && samples.answers[i] === 1).length;
    return {
      kind: name,
      scoreAuc: Number(rocAuc(samples.score, samples.answers.map((a) => a === 1)).toFixed(3)),
      refusalAuc: Number(rocAuc(samples.refusal, samples.answerable).toFixed(3)),
      answerableRefused: `${refused.filter((r, i) => r && samples.answerable[i]).length}/${samples.answerable.filter(Boolean).length}`,
      unanswerableRefused: `${refused.filter((r, i) => r && !samples.answerable[i]).length}/${samples.answerable.filter((a) => !a).length}`,
      strongQuotesRight: `${strongRight}/${strong.filter(Boolean).length}`,
    };
  });
  log(`${ranking}: threshold ${threshold.toFixed(3)}\n${JSON.stringify(report[ranking], null, 1)}`);
}
if (values.write) {
  const trainedOn = { ...calibrated.trainedOn, calibration: "isotonic per kind of development set (scores: each block's 90% lower confidence bound) (SQuAD validation written and chat-style; eval/news-chat dev), the lowest of the maps shipped; refusal threshold: at most 5% of each kind's answerable questions refused (npm run calibrate)", calibrationFigures: report };
  const text = `${JSON.stringify(parseLearnedModels({ ...calibrated, trainedOn }))}\n`;
  await writeFile(join(RANKER_DIR, "ranker.json"), text);
  await writeFile(join(RANKER_DIR, "checksums.json"), `${JSON.stringify({ "ranker.json": sha256Hex(text) }, null, 2)}\n`);
  log(`wrote ${join(RANKER_DIR, "ranker.json")}`);
}
