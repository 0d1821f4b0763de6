/**
 * `npm run eval:vectors -- <questions.json>`: the vector stage alone, on the configured corpus,
 * index and EMBEDDING_MODEL. For each answerable question: whether a passage holding a gold span
 * is among the 40 passages nearest the question (what the ranking then gets to choose from), and
 * whether the nearest passage holds one (hit@1 of vector-only retrieval). Used to compare
 * embedding models (GloVe-SIF against the trained one) on the same questions.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { buildConfiguredIndex, embedderOptions } from "../src/app/open.js";
import { loadConfig } from "../src/config.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { normalizeForMatch, parseQuestionSet } from "../src/evaluation/metrics.js";
import { loadIndex } from "../src/index/snapshot.js";
import { topScores } from "../src/index/vectorMatrix.js";

const CANDIDATES = 40;
const { values, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: "boolean" } } });
if (positionals.length !== 1) {
  process.stderr.write("Usage: npm run eval:vectors -- <questions.json> [--json]\n");
  process.exit(2);
}
const config = loadConfig();
const embedder = await loadEmbedder(embedderOptions(config));
await buildConfiguredIndex(config, { embedder });
const snapshot = await loadIndex(config.INDEX_DIR);
const questions = parseQuestionSet(JSON.parse(await readFile(positionals[0]!, "utf8"))).filter((q) => !q.unanswerable);

let inTop = 0;
let first = 0;
for (const question of questions) {
  const gold = question.gold.map(normalizeForMatch);
  const holds = (row: number): boolean => {
    const passage = snapshot.passages[row]!;
    const text = normalizeForMatch(snapshot.articles.get(passage.articleId)!.body.slice(passage.start, passage.end));
    return gold.some((span) => text.includes(span));
  };
  const hits = topScores(snapshot.matrix.similarities(await embedder.embedQuery(question.q)), CANDIDATES);
  if (hits.some((hit) => holds(hit.row))) inTop++;
  if (hits.length > 0 && holds(hits[0]!.row)) first++;
}
const figures = { model: config.EMBEDDING_MODEL, questions: questions.length, recallAt40: inTop / questions.length, hitAt1: first / questions.length };
process.stdout.write(values.json ? `${JSON.stringify(figures)}\n` : `${figures.model}: passage recall@${CANDIDATES} ${figures.recallAt40.toFixed(3)}  vector-only hit@1 ${figures.hitAt1.toFixed(3)}  (${figures.questions} answerable questions)\n`);
