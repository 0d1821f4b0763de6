/**
 * `npm run labels`: how often a quote shown with each confidence label (src/reply/confidence.ts)
 * answers the question, on the SQuAD validation split, with the hand ranking and the learned one;
 * and the same by score, in tenths, to set the labels' thresholds by. Every quote of the first
 * page counts (four per question). It builds its own index of the split's articles in a
 * temporary folder, so an index a trainer is using is never touched. The test split is never read.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConfiguredIndex, embedderOptions } from "../src/app/open.js";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { isRelevant, parseQuestionSet } from "../src/evaluation/metrics.js";
import { loadIndex } from "../src/index/snapshot.js";
import { confidenceText } from "../src/reply/wording.js";
import { DEFAULT_WEIGHTS, Retriever } from "../src/retrieval/retriever.js";
import { loadShippedModels } from "../src/retrieval/shippedModels.js";

/** Quotes on an answer's first page: what people see before pressing More. */
const QUOTES_SEEN = 4;

const split = join(PROJECT_ROOT, "data", "squad", "validation");
if (!existsSync(join(split, "questions.json"))) {
  process.stderr.write("No SQuAD validation split: run `npm run data:squad` first.\n");
  process.exit(1);
}
const indexDir = await mkdtemp(join(tmpdir(), "verbatim-labels-"));
try {
  const config = loadConfig({ CORPUS_DIR: join(split, "corpus"), INDEX_DIR: indexDir, LOG_LEVEL: "silent" });
  const embedder = await loadEmbedder(embedderOptions(config));
  await buildConfiguredIndex(config, { embedder });
  const snapshot = await loadIndex(indexDir);
  const questions = parseQuestionSet(JSON.parse(await readFile(join(split, "questions.json"), "utf8")));
  const shipped = await loadShippedModels(embedder.key);
  const rankings: [string, Retriever][] = [["hand", new Retriever(snapshot, embedder, shipped.models, "hand")]];
  if (shipped.models) rankings.push(["learned", new Retriever(snapshot, embedder, shipped.models, "learned")]);
  else process.stdout.write(`learned ranking not measured: ${shipped.reason}\n`);

  for (const [name, retriever] of rankings) {
    const byLabel = new Map<string, { quotes: number; relevant: number; first: number; firstRelevant: number }>();
    const byTenth = Array.from({ length: 10 }, () => ({ quotes: 0, relevant: 0 }));
    for (const question of questions) {
      const answer = await retriever.ask(question.q);
      answer.results.slice(0, QUOTES_SEEN).forEach((quote, rank) => {
        const relevant = !question.unanswerable && isRelevant(quote.quote, question.gold) ? 1 : 0;
        const label = confidenceText(quote, answer.answered);
        const tally = byLabel.get(label) ?? { quotes: 0, relevant: 0, first: 0, firstRelevant: 0 };
        tally.quotes++;
        tally.relevant += relevant;
        if (rank === 0) {
          tally.first++;
          tally.firstRelevant += relevant;
        }
        byLabel.set(label, tally);
        if (answer.answered) {
          const tenth = byTenth[Math.min(9, Math.floor(quote.score * 10))]!;
          tenth.quotes++;
          tenth.relevant += relevant;
        }
      });
    }
    process.stdout.write(`\n${name} ranking, SQuAD validation (${questions.length} questions):\n`);
    for (const [label, t] of [...byLabel].sort((a, b) => b[1].relevant / b[1].quotes - a[1].relevant / a[1].quotes)) {
      process.stdout.write(`  ${label.padEnd(15)} ${String(t.quotes).padStart(5)} quotes, ${(t.relevant / t.quotes).toFixed(2)} answer; first quotes ${t.first}, ${(t.firstRelevant / Math.max(1, t.first)).toFixed(2)} answer; later quotes ${t.quotes - t.first}, ${((t.relevant - t.firstRelevant) / Math.max(1, t.quotes - t.first)).toFixed(2)} answer\n`);
    }
    process.stdout.write("  answered questions' quotes by score: ");
    process.stdout.write(byTenth.map((t, i) => `${(i / 10).toFixed(1)}+ ${t.quotes > 0 ? (t.relevant / t.quotes).toFixed(2) : "-"} (${t.quotes})`).join(" · ") + "\n");
  }
} finally {
  await rm(indexDir, { recursive: true, force: true });
}
