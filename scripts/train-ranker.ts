/**
 * `npm run train:ranker -- [--questions 12000] [--python /usr/bin/python3]`: fits the learned
 * ranking and refusal on the SQuAD train split and the news/chat set's train split
 * (eval/news-chat), calibrates the refusal on SQuAD's validation split, then writes
 * `model/ranker/ranker.json` with its checksum; `npm run calibrate -- --write` then calibrates it
 * on every kind of development set. No test split is ever read.
 *
 * 1. Every train and validation question (and a chat-style copy of many, src/evaluation/chatStyle.ts)
 *    is ranked by the retriever, and each candidate's features are written to data/ranker/. Train
 *    questions are ranked in corpora of many sizes, 4 to 271 articles (trainingCorpora.ts).
 * 2. scripts/train_ranker.py fits the ranking (gradient-boosted trees, LambdaMART, xgboost) on the
 *    train split: once per half of its articles and once on all of them.
 * 3. The refusal's features are taken, for each train question, from the ranking fitted on the
 *    other half of the articles (so that they look as they will on articles never trained on),
 *    and for validation from the full one.
 * 4. scripts/train_ranker.py fits, for the learned ranking's order and for the hand-tuned one's,
 *    the quotes' score (P(a quote answers)) and the refusal (P(the articles answer the question)) on
 *    train, calibrates both on validation (isotonic) and picks the refusal's threshold there.
 * Deterministic: the same file on every run (given the same model and corpus code). Python
 * (Debian's python3-xgboost, python3-sklearn, python3-numpy) is needed here only.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildConfiguredIndex, embedderOptions } from "../src/app/open.js";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { loadEmbedder, type Embedder } from "../src/embeddings/embedder.js";
import { chatStyle } from "../src/evaluation/chatStyle.js";
import { isRelevant, parseQuestionSet, type LabelledQuestion } from "../src/evaluation/metrics.js";
import { articleId, seededRandom, SQUAD_SEED, type SquadParagraph } from "../src/evaluation/squad.js";
import { loadIndex } from "../src/index/snapshot.js";
import { sha256Hex } from "../src/index/manifest.js";
import { ANSWER_FEATURES, CANDIDATE_FEATURES, HAND_RANKER, modelScore, parseLearnedModels, type Judge, type LearnedModels, type Model } from "../src/retrieval/rankingModel.js";
import { SAME_FACT_OVERLAP } from "../src/retrieval/dedupe.js";
import { answerFeatures, LEARNED_RERANK_DEPTH, Retriever, type RankedCandidates, type ScoredCandidate } from "../src/retrieval/retriever.js";
import { RANKER_DIR } from "../src/retrieval/shippedModels.js";
import { readJsonLines } from "./jsonLines.js";
import { groupCorpora, placeQuestions } from "./trainingCorpora.js";

const { values } = parseArgs({ options: { questions: { type: "string", default: "12000" }, python: { type: "string", default: "/usr/bin/python3" }, datasets: { type: "string", default: join(PROJECT_ROOT, "..", "shared", "datasets") }, "refusal-only": { type: "boolean" } } });
const answerableCount = Number(values.questions);
/** Share of questions that also get a chat-style copy. */
const CHAT_COPY_SHARE = 0.5;
const squad = join(PROJECT_ROOT, "data", "squad");
const news = join(PROJECT_ROOT, "data", "news-chat");
/** How many times each news/chat train question counts: about a tenth of the training questions' weight. */
const NEWS_TRAIN_COPIES = 8;
const work = join(PROJECT_ROOT, "data", "ranker");
if (!existsSync(join(squad, "validation", "questions.json"))) execFileSync(process.execPath, ["--import", "tsx", "scripts/squad-sets.ts"], { cwd: PROJECT_ROOT, stdio: "inherit" });
if (!existsSync(join(news, "questions-train.json"))) execFileSync(process.execPath, ["--import", "tsx", "scripts/news-chat-set.ts"], { cwd: PROJECT_ROOT, stdio: "inherit" });
const log = (line: string) => process.stderr.write(`${line}\n`);

/** A question as trained on: SQuAD's, or our chat-style copy of it, and the corpus it is ranked in. */
interface TrainingQuestion extends LabelledQuestion {
  chat: boolean;
  article: string;
  corpus: string;
}

async function splitRetriever(split: string, embedder: Embedder): Promise<{ retriever: Retriever; questions: LabelledQuestion[] }> {
  const config = loadConfig({ CORPUS_DIR: join(squad, split, "corpus"), INDEX_DIR: join(squad, split, "index"), LOG_LEVEL: "silent" });
  await buildConfiguredIndex(config, { embedder });
  const questions = parseQuestionSet(JSON.parse(await readFile(join(squad, split, "questions.json"), "utf8")));
  return { retriever: new Retriever(await loadIndex(config.INDEX_DIR), embedder), questions };
}

/** SQuAD ids are `a<article>p<paragraph>q<question>`: the article, for splitting train into halves by article. */
const articleOf = (id: string) => /^a(\d+)/.exec(id)?.[1] ?? id;

/** The questions of a split as trained on: the originals, and a seeded chat-style copy of some. */
function withChatCopies(questions: readonly (LabelledQuestion & { corpus: string })[], seed: number): TrainingQuestion[] {
  const random = seededRandom(seed);
  const out: TrainingQuestion[] = [];
  for (const question of questions) {
    out.push({ ...question, chat: false, article: articleOf(question.id) });
    if (random() < CHAT_COPY_SHARE) out.push({ ...question, id: `${question.id}-chat`, q: chatStyle(question.q, random), chat: true, article: articleOf(question.id) });
  }
  return out;
}

/** The train split's corpora of many sizes (trainingCorpora.ts), indexed, with a retriever each. */
async function trainingRetrievers(embedder: Embedder): Promise<{ retrievers: Map<string, Retriever>; questions: TrainingQuestion[] }> {
  const corpora = await groupCorpora(join(squad, "train", "corpus"), join(work, "corpora"), SQUAD_SEED + 3);
  const retrievers = new Map<string, Retriever>();
  for (const corpus of [...corpora.groups, corpora.whole]) {
    const config = loadConfig({ CORPUS_DIR: corpus.corpusDir, INDEX_DIR: corpus.indexDir, LOG_LEVEL: "silent" });
    await buildConfiguredIndex(config, { embedder });
    retrievers.set(corpus.name, new Retriever(await loadIndex(config.INDEX_DIR), embedder));
  }
  log(`train corpora: ${corpora.groups.map((group) => group.articles.length).join(", ")} articles, and the whole split (${corpora.whole.articles.length})`);
  // SQuAD question ids start with their article's number ("a123p…"); the dataset names its title.
  const paragraphs = await readJsonLines<SquadParagraph>(join(values.datasets!, "squad11_train_paragraphs.jsonl.gz"));
  const titleOf = new Map(paragraphs.map((paragraph) => [paragraph.pid.replace(/p\d+$/, ""), paragraph.article]));
  const fileOf = (question: LabelledQuestion) => {
    const title = titleOf.get(/^a\d+/.exec(question.id)?.[0] ?? "");
    return title === undefined ? undefined : `${articleId(title)}.md`;
  };
  const split = parseQuestionSet(JSON.parse(await readFile(join(squad, "train", "questions.json"), "utf8")));
  const chosen = [...split.filter((q) => !q.unanswerable).slice(0, answerableCount), ...split.filter((q) => q.unanswerable)];
  const questions = withChatCopies(placeQuestions(chosen, fileOf, corpora, SQUAD_SEED + 4), SQUAD_SEED + 1);
  // The news/chat set's train split (eval/news-chat): chat-style questions about news, with
  // near-miss unanswerable ones, ranked in the set's whole corpus (every topic, 300 distractors).
  // Each is counted NEWS_TRAIN_COPIES times: a few hundred beside twenty thousand SQuAD questions.
  const newsConfig = loadConfig({ CORPUS_DIR: join(news, "corpus"), INDEX_DIR: join(news, "index"), LOG_LEVEL: "silent" });
  await buildConfiguredIndex(newsConfig, { embedder });
  retrievers.set("news", new Retriever(await loadIndex(newsConfig.INDEX_DIR), embedder));
  const newsQuestions = parseQuestionSet(JSON.parse(await readFile(join(news, "questions-train.json"), "utf8")));
  for (let copy = 0; copy < NEWS_TRAIN_COPIES; copy++) {
    for (const question of newsQuestions) questions.push({ ...question, id: `${question.id}-copy${copy}`, chat: true, article: `news-${question.id.replace(/-q\d+$/, "")}`, corpus: "news" });
  }
  log(`news/chat train split: ${newsQuestions.length} questions, counted ${NEWS_TRAIN_COPIES} times`);
  return { retrievers, questions };
}

/**
 * One ranked question, kept small (a few million candidates are held at once): each candidate's
 * feature row, whether it is relevant, and where it stands with its terms (for collapsing same
 * facts as /ask does).
 */
interface RankedRows {
  rows: Float32Array;
  relevant: Uint8Array;
  spans: { article: string; start: number; end: number; terms: Int32Array }[];
  question: Pick<RankedCandidates, "unknownShare" | "unknownCount" | "unmentioned" | "questionTerms">;
}

async function rankAll(retrieverFor: (question: TrainingQuestion) => Retriever, questions: readonly TrainingQuestion[], what: string): Promise<RankedRows[]> {
  const out: RankedRows[] = [];
  const width = CANDIDATE_FEATURES.length;
  for (const [i, question] of questions.entries()) {
    // Only the candidates the learned ranking re-ranks have all their features (Retriever.rank).
    const full = await retrieverFor(question).rank(question.q, true);
    const ranked = { ...full, candidates: full.candidates.slice(0, LEARNED_RERANK_DEPTH) };
    const rows = new Float32Array(ranked.candidates.length * width);
    ranked.candidates.forEach((candidate, k) => CANDIDATE_FEATURES.forEach((feature, j) => (rows[k * width + j] = candidate.features[feature] ?? 0)));
    out.push({
      rows,
      relevant: Uint8Array.from(ranked.candidates, (candidate) => (!question.unanswerable && isRelevant(candidate.quote.quote, question.gold) ? 1 : 0)),
      spans: ranked.candidates.map((candidate) => ({ article: candidate.quote.source.id, start: candidate.quote.start, end: candidate.quote.end, terms: Int32Array.from([...candidate.terms].sort((a, b) => a - b)) })),
      question: { unknownShare: ranked.unknownShare, unknownCount: ranked.unknownCount, unmentioned: ranked.unmentioned, questionTerms: ranked.questionTerms },
    });
    if ((i + 1) % 2000 === 0) log(`${what}: ${i + 1}/${questions.length} questions ranked`);
  }
  return out;
}

/** Writes feature rows as float32 (row-major) and what each question's rows are. */
async function writeRows(name: string, rows: Float32Array, meta: unknown): Promise<void> {
  await writeFile(join(work, `${name}.f32`), Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength));
  await writeFile(join(work, `${name}.json`), JSON.stringify(meta));
}

/** Step 1: every candidate's features and whether it is relevant. */
async function writeCandidates(name: string, questions: readonly TrainingQuestion[], ranked: readonly RankedRows[]): Promise<void> {
  const rows = new Float32Array(ranked.reduce((sum, r) => sum + r.rows.length, 0));
  let offset = 0;
  let row = 0;
  const groups = questions.map((question, i) => {
    const r = ranked[i]!;
    rows.set(r.rows, offset);
    offset += r.rows.length;
    const start = row;
    row += r.relevant.length;
    const relevant = [...r.relevant.keys()].filter((k) => r.relevant[k] === 1);
    return { id: question.id, article: question.article, chat: question.chat, answerable: !question.unanswerable, start, count: r.relevant.length, relevant };
  });
  await writeRows(name, rows, { features: CANDIDATE_FEATURES, groups });
}

/** Term overlap of two sorted id lists (as dedupe.ts's Jaccard). */
function jaccard(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) (shared++, i++, j++);
    else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/** The features of row k, by name. */
function featuresOf(r: RankedRows, k: number): ScoredCandidate["features"] {
  const width = CANDIDATE_FEATURES.length;
  return Object.fromEntries(CANDIDATE_FEATURES.map((feature, j) => [feature, r.rows[k * width + j]!])) as ScoredCandidate["features"];
}

/** Places in the ranking at which quotes are scored for training the score (the first page and a little more). */
const SCORED_PLACES = 5;

/**
 * Step 3: for each question, under a ranking model, the refusal's features of the first quote
 * (and whether the question is answerable), and the score's features of each of the first
 * SCORED_PLACES quotes (and whether that quote answers). The quotes are the ones /ask keeps: each
 * neither overlaps a kept one in its article nor states the same fact as one from another article
 * (as collapseSameFacts does).
 */
async function writeAnswerRows(name: string, questions: readonly TrainingQuestion[], ranked: readonly RankedRows[], rankerFor: (question: TrainingQuestion) => Model): Promise<void> {
  const width = ANSWER_FEATURES.length;
  const refusalRows = new Float32Array(questions.length * width);
  const scoreRows: number[] = [];
  const scoreLabels: { id: string; chat: boolean; answers: boolean }[] = [];
  const labels = questions.map((question, i) => {
    const r = ranked[i]!;
    if (r.relevant.length === 0) return { id: question.id, chat: question.chat, answerable: !question.unanswerable, answers: false, empty: true };
    const model = rankerFor(question);
    const scores = r.spans.map((_, k) => modelScore(model, featuresOf(r, k)));
    const order = r.spans.map((_, k) => k).sort((a, b) => scores[b]! - scores[a]! || byPlace(r.spans[a]!, r.spans[b]!));
    const kept: number[] = [];
    for (const k of order) {
      const span = r.spans[k]!;
      const clash = kept.some((j) => {
        const earlier = r.spans[j]!;
        return earlier.article === span.article ? span.start < earlier.end && earlier.start < span.end : jaccard(span.terms, earlier.terms) >= SAME_FACT_OVERLAP;
      });
      if (!clash) kept.push(k);
      if (kept.length === 10) break;
    }
    const ranks = kept.map((k) => scores[k]!);
    const view = { ...r.question, question: question.q, candidates: [], questionFeatures: {}, bestArticleShare: 0 };
    const at = (place: number) => {
      const candidate = { rank: scores[kept[place]!]!, features: featuresOf(r, kept[place]!) } as ScoredCandidate;
      const next = kept[place + 1] === undefined ? undefined : ({ rank: scores[kept[place + 1]!]!, features: featuresOf(r, kept[place + 1]!) } as ScoredCandidate);
      return answerFeatures(view, candidate, next, ranks, place);
    };
    const first = at(0);
    ANSWER_FEATURES.forEach((feature, j) => (refusalRows[i * width + j] = first[feature] ?? 0));
    for (let place = 0; place < Math.min(SCORED_PLACES, kept.length); place++) {
      const features = place === 0 ? first : at(place);
      for (const feature of ANSWER_FEATURES) scoreRows.push(features[feature] ?? 0);
      scoreLabels.push({ id: question.id, chat: question.chat, answers: r.relevant[kept[place]!] === 1 });
    }
    return { id: question.id, chat: question.chat, answerable: !question.unanswerable, answers: r.relevant[kept[0]!] === 1, empty: false };
  });
  await writeRows(name, refusalRows, { features: ANSWER_FEATURES, questions: labels });
  await writeRows(name.replace("-answer-", "-score-"), new Float32Array(scoreRows), { features: ANSWER_FEATURES, quotes: scoreLabels });
}

const byPlace = (a: { article: string; start: number }, b: { article: string; start: number }) => (a.article < b.article ? -1 : a.article > b.article ? 1 : a.start - b.start);

function python(...args: string[]): void {
  execFileSync(values.python!, [join(PROJECT_ROOT, "scripts", "train_ranker.py"), args[0]!, work, ...args.slice(1)], { cwd: PROJECT_ROOT, stdio: "inherit" });
}

const started = performance.now();
await mkdir(work, { recursive: true });
const embedder = await loadEmbedder(embedderOptions(loadConfig({ LOG_LEVEL: "silent" })));
// --refusal-only refits the score and the refusal on the rows of the last full run (seconds, not minutes).
if (!values["refusal-only"]) {
  const train = await trainingRetrievers(embedder);
  const trainQuestions = train.questions;
  const validation = await splitRetriever("validation", embedder);
  const validationQuestions = withChatCopies(validation.questions.map((question) => ({ ...question, corpus: "validation" })), SQUAD_SEED + 2);
  const trainRanked = await rankAll((question) => train.retrievers.get(question.corpus)!, trainQuestions, "train");
  const validationRanked = await rankAll(() => validation.retriever, validationQuestions, "validation");
  await writeCandidates("train-candidates", trainQuestions, trainRanked);
  await writeCandidates("validation-candidates", validationQuestions, validationRanked);
  log(`candidates written (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  python("ranker");
  const fittedRankers = JSON.parse(await readFile(join(work, "rankers.json"), "utf8")) as { folds: Record<string, Model>; full: Model; foldOf: Record<string, string> };
  await writeAnswerRows("train-answer-learned", trainQuestions, trainRanked, (question) => fittedRankers.folds[fittedRankers.foldOf[question.article]!]!);
  await writeAnswerRows("validation-answer-learned", validationQuestions, validationRanked, () => fittedRankers.full);
  // The hand-tuned ranking gets scores and a refusal of its own, fitted on its own order.
  await writeAnswerRows("train-answer-hand", trainQuestions, trainRanked, () => HAND_RANKER);
  await writeAnswerRows("validation-answer-hand", validationQuestions, validationRanked, () => HAND_RANKER);
  await writeFile(join(work, "questions.json"), JSON.stringify({ answerable: trainQuestions.filter((q) => !q.unanswerable).length, unanswerable: trainQuestions.filter((q) => q.unanswerable).length, chatStyleCopies: trainQuestions.filter((q) => q.chat).length }));
}
const rankers = JSON.parse(await readFile(join(work, "rankers.json"), "utf8")) as { folds: Record<string, Model>; full: Model; foldOf: Record<string, string>; params: unknown; figures: unknown; chosen: unknown };

type Fitted = Judge & { figures: Record<string, unknown>; fit: Record<string, unknown> };
const judges: Record<string, Fitted> = {};
for (const ranking of ["learned", "hand"] as const) {
  python("answer", ranking);
  judges[ranking] = JSON.parse(await readFile(join(work, `answer-${ranking}.json`), "utf8")) as Fitted;
}
const judge = ({ answer, calibration, refusal, refusalCalibration, threshold }: Fitted): Judge => ({ answer, calibration, refusal, refusalCalibration, threshold });
const models: LearnedModels = parseLearnedModels({
  version: 3,
  ranker: rankers.full,
  learned: judge(judges.learned!),
  hand: judge(judges.hand!),
  trainedOn: {
    data: "SQuAD v1.1 train (Rajpurkar et al. 2016, CC BY-SA 4.0): train split for fitting, validation split for choosing the fit, calibration and the threshold; test never read",
    embeddingModelKey: embedder.key,
    trainQuestions: JSON.parse(await readFile(join(work, "questions.json"), "utf8")),
    fit: { ranker: rankers.params, ...judges.learned!.fit },
    figures: { ranker: rankers.figures, chosenRanker: rankers.chosen, learned: judges.learned!.figures, hand: judges.hand!.figures },
  },
});
const text = `${JSON.stringify(models)}\n`;
await mkdir(RANKER_DIR, { recursive: true });
await writeFile(join(RANKER_DIR, "ranker.json"), text);
await writeFile(join(RANKER_DIR, "checksums.json"), `${JSON.stringify({ "ranker.json": sha256Hex(text) }, null, 2)}\n`);
log(`wrote ${join(RANKER_DIR, "ranker.json")} (${(text.length / 1024).toFixed(0)} KiB) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
