/**
 * `npm run threshold -- [--max-refused 0.025]`: picks the hand ranking's answer threshold
 * (ANSWER_THRESHOLD in src/retrieval/retriever.ts) on the SQuAD validation split: the highest
 * threshold, in steps of 0.01, under which at most that share of the answerable questions fall.
 * Prints, for each threshold from 0.30 to 0.70, how many answerable and unanswerable questions
 * would be refused. The test split is never read.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildConfiguredIndex, embedderOptions } from "../src/app/open.js";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { parseQuestionSet } from "../src/evaluation/metrics.js";
import { loadIndex } from "../src/index/snapshot.js";
import { ANSWER_THRESHOLD, Retriever } from "../src/retrieval/retriever.js";

const { values } = parseArgs({ options: { "max-refused": { type: "string", default: "0.025" } } });
const maxRefused = Number(values["max-refused"]);
const split = join(PROJECT_ROOT, "data", "squad", "validation");
if (!existsSync(join(split, "questions.json"))) {
  process.stderr.write("No SQuAD validation split: run `npm run data:squad` first.\n");
  process.exit(1);
}
const config = loadConfig({ CORPUS_DIR: join(split, "corpus"), INDEX_DIR: join(split, "index"), LOG_LEVEL: "silent" });
const embedder = await loadEmbedder(embedderOptions(config));
await buildConfiguredIndex(config, { embedder });
const retriever = new Retriever(await loadIndex(config.INDEX_DIR), embedder);
const questions = parseQuestionSet(JSON.parse(await readFile(join(split, "questions.json"), "utf8")));

/** Each question's top score, or -1 when it is refused whatever the threshold (an unmentioned name, another language). */
const tops: { unanswerable: boolean; top: number }[] = [];
for (const question of questions) {
  const answer = await retriever.ask(question.q);
  const refusedAnyway = (answer.unmentioned?.length ?? 0) > 0 || answer.language !== undefined;
  tops.push({ unanswerable: question.unanswerable === true, top: refusedAnyway ? -1 : (answer.results[0]?.score ?? 0) });
}
const answerable = tops.filter((t) => !t.unanswerable);
const unanswerable = tops.filter((t) => t.unanswerable);
let chosen = 0;
for (let step = 30; step <= 70; step++) {
  const threshold = step / 100;
  const refused = answerable.filter((t) => t.top < threshold).length;
  const caught = unanswerable.filter((t) => t.top < threshold).length;
  if (refused <= maxRefused * answerable.length) chosen = threshold;
  process.stdout.write(`${threshold.toFixed(2)}  answerable refused ${refused}/${answerable.length}  unanswerable refused ${caught}/${unanswerable.length}\n`);
}
process.stdout.write(`highest threshold refusing at most ${(maxRefused * 100).toFixed(1)}% of answerable questions: ${chosen.toFixed(2)} (in use: ${ANSWER_THRESHOLD})\n`);
