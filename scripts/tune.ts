/**
 * Grid search of the ranking weights on a labelled question set (default: our own set in
 * test/fixtures, never the shared dev set, so the dev figures stay an honest check).
 * Usage: npm run tune -- [questions.json]
 */
import { readFile } from "node:fs/promises";
import { embedderOptions } from "../src/app/open.js";
import { loadConfig } from "../src/config.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { grade, parseQuestionSet, summarizeOutcomes } from "../src/evaluation/metrics.js";
import { loadIndex } from "../src/index/snapshot.js";
import { DEFAULT_WEIGHTS, Retriever, type RankingWeights } from "../src/retrieval/retriever.js";

const file = process.argv[2] ?? "test/fixtures/questions.json";
const config = loadConfig();
const questions = parseQuestionSet(JSON.parse(await readFile(file, "utf8")));
const embedder = await loadEmbedder(embedderOptions(config));
const snapshot = await loadIndex(config.INDEX_DIR);

async function evaluate(weights: RankingWeights) {
  const retriever = new Retriever(snapshot, embedder, undefined, "hand", weights);
  const outcomes = [];
  for (const question of questions) outcomes.push(grade(question, await retriever.ask(question.q), 0));
  return summarizeOutcomes(outcomes);
}

const grid = { context: [0.25, 0.5, 0.75], vector: [0.3, 0.5, 0.8], keyword: [0, 0.2, 0.4], answerType: [0.3, 0.5, 0.7], exact: [0, 0.1, 0.2, 0.3], extendMinGain: [0.1] };
const results: { weights: RankingWeights; hit1: number; hit3: number; mrr: number }[] = [];
for (const context of grid.context)
  for (const vector of grid.vector)
    for (const keyword of grid.keyword)
      for (const answerType of grid.answerType)
        for (const exact of grid.exact)
        for (const extendMinGain of grid.extendMinGain) {
          const weights = { context, vector, keyword, answerType, exact, extendMinGain };
          const f = await evaluate(weights);
          results.push({ weights, hit1: f.hitAt1, hit3: f.hitAt3, mrr: f.mrrAt5 });
        }
results.sort((a, b) => b.mrr - a.mrr || b.hit1 - a.hit1);
const current = await evaluate({ ...DEFAULT_WEIGHTS });
process.stdout.write(`current ${JSON.stringify(DEFAULT_WEIGHTS)}: hit@1 ${current.hitAt1.toFixed(2)} hit@3 ${current.hitAt3.toFixed(2)} mrr@5 ${current.mrrAt5.toFixed(3)}\n`);
for (const r of results.slice(0, 12)) process.stdout.write(`${JSON.stringify(r.weights)}: hit@1 ${r.hit1.toFixed(2)} hit@3 ${r.hit3.toFixed(2)} mrr@5 ${r.mrr.toFixed(3)}\n`);
