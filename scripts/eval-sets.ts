/**
 * `npm run eval:sets -- [--sets news-dev,squad-validation,…] [--json] [--out file.json]`: every
 * labelled set we have, each over its own corpus (indexed into data/eval-index/), through the same
 * code path as `/ask`, with the stage analysis (src/evaluation/stages.ts). Prints one table: the
 * first quote answers (hit@1), "strong match" first quotes that answer, unanswerable questions
 * shown "strong match", refusals, and where the misses were lost. Needs `npm run data:squad` and
 * `npm run data:news` first (it says so); RANKING picks the ranking as for the bot.
 * The test sets (news-test, squad-test, squad-test-chat) are for measuring a round's result once,
 * never for tuning: `--sets` without them is the development loop.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { evaluate } from "../src/evaluation/evaluate.js";
import { parseQuestionSet } from "../src/evaluation/metrics.js";
import { MISS_STAGES } from "../src/evaluation/stages.js";
import { createLogger } from "../src/log.js";
import { evalIndexDir } from "./evalIndex.js";

interface SetSpec {
  name: string;
  corpus: string;
  questions: string;
  /** The command that makes the set's files, when they are generated. */
  makeWith?: string;
}

const data = join(PROJECT_ROOT, "data");
const SETS: readonly SetSpec[] = [
  { name: "news-dev", corpus: join(data, "news-chat", "corpus"), questions: join(data, "news-chat", "questions-dev.json"), makeWith: "npm run data:news" },
  { name: "news-test", corpus: join(data, "news-chat", "corpus"), questions: join(data, "news-chat", "questions-test.json"), makeWith: "npm run data:news" },
  { name: "squad-validation", corpus: join(data, "squad", "validation", "corpus"), questions: join(data, "squad", "validation", "questions.json"), makeWith: "npm run data:squad" },
  { name: "squad-validation-chat", corpus: join(data, "squad", "validation", "corpus"), questions: join(data, "squad", "validation", "questions-chat.json"), makeWith: "npm run data:squad" },
  { name: "squad-test", corpus: join(data, "squad", "test", "corpus"), questions: join(data, "squad", "test", "questions.json"), makeWith: "npm run data:squad" },
  { name: "squad-test-chat", corpus: join(data, "squad", "test", "corpus"), questions: join(data, "squad", "test", "questions-chat.json"), makeWith: "npm run data:squad" },
  { name: "treaty", corpus: join(PROJECT_ROOT, "test", "fixtures", "treaty"), questions: join(PROJECT_ROOT, "test", "fixtures", "questions.json") },
  { name: "treaty-fresh", corpus: join(PROJECT_ROOT, "test", "fixtures", "treaty"), questions: join(PROJECT_ROOT, "test", "fixtures", "questions-fresh.json") },
  { name: "shared-dev", corpus: join(PROJECT_ROOT, "test", "fixtures", "treaty"), questions: join(PROJECT_ROOT, "..", "shared", "eval", "dev.json") },
];

const { values } = parseArgs({ options: { sets: { type: "string" }, json: { type: "boolean" }, out: { type: "string" } } });
const wanted = values.sets ? values.sets.split(",").map((name) => name.trim()) : SETS.map((set) => set.name);
const unknown = wanted.filter((name) => !SETS.some((set) => set.name === name));
if (unknown.length > 0) {
  process.stderr.write(`Unknown set ${unknown.join(", ")}: the sets are ${SETS.map((set) => set.name).join(", ")}\n`);
  process.exit(2);
}
const log = createLogger("silent");
// The ranking and model as configured (.env or the environment); each set its own corpus and index.
const base = loadConfig();
const rows: Record<string, unknown>[] = [];
const pct = (n: number, d: number) => (d === 0 ? "–" : `${n}/${d} (${Math.round((100 * n) / d)}%)`);
const table = [
  "| set | questions | hit@1 | \"strong\" first quotes that answer | unanswerable shown \"strong\" | unanswerable refused | answerable refused | lost at: " + MISS_STAGES.join(" / ") + " |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
];
const chosen = SETS.filter((set) => wanted.includes(set.name));
const missing = chosen.filter((spec) => !existsSync(spec.questions) || !existsSync(spec.corpus));
for (const spec of missing) process.stderr.write(`${spec.name}: ${existsSync(spec.corpus) ? spec.questions : spec.corpus} is missing${spec.makeWith ? `: run \`${spec.makeWith}\` first` : ""}\n`);
if (missing.length > 0) process.exit(1);
for (const spec of chosen) {
  const config = loadConfig({ RANKING: base.RANKING, EMBEDDING_MODEL: base.EMBEDDING_MODEL, CORPUS_DIR: spec.corpus, INDEX_DIR: evalIndexDir(spec.corpus), LOG_LEVEL: "silent" });
  await buildConfiguredIndex(config);
  const retriever = await openRetriever(config, log);
  const questions = parseQuestionSet(JSON.parse(await readFile(spec.questions, "utf8")));
  const { figures, stages } = await evaluate(retriever, questions, true);
  const s = stages!;
  rows.push({ set: spec.name, ranking: config.RANKING, ...figures, stages: s });
  table.push(
    `| ${spec.name} | ${figures.questions} | ${figures.hitAt1.toFixed(3)} | ${pct(s.strongRight, s.strong)} | ${pct(s.unanswerableStrong, s.unanswerable)} | ${pct(figures.abstained, figures.unanswerable)} | ${pct(figures.falseAbstained, figures.answerable)} | ${MISS_STAGES.map((stage) => s.misses[stage]).join(" / ")} |`,
  );
  process.stderr.write(`${table.at(-1)}\n`);
}
process.stdout.write(`${table.join("\n")}\n`);
if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
if (values.out) await writeFile(values.out, `${JSON.stringify(rows, null, 1)}\n`);
