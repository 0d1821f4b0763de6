/**
 * `npm run bench`'s query phase: `node dist/cli/benchQuery.js <corpusDir> <indexDir> <questionFile>`
 * (not a `verbatim` command). The questions go through the /ask code path as the bot runs it: the
 * compiled code with plain Node, in a process of its own, so that its peak RSS (from the operating
 * system) is the bot's. Run under tsx instead, the process would also hold tsx's loader thread
 * (about 35 MB). With DATABASE_URL in the environment, the PostgreSQL store. Prints one JSON line:
 * the p50 and p95 of the questions, each stage's p50, p95 and mean, the peak RSS, and (file store)
 * how many questions the int8 vector scan answered.
 */
import { readFile } from "node:fs/promises";
import { answerPage } from "../app/answers.js";
import { openRetriever } from "../app/open.js";
import { loadConfig } from "../config.js";
import { percentile } from "../evaluation/metrics.js";
import { closePools } from "../index/postgres/database.js";
import { FileSource } from "../index/source.js";
import { createLogger } from "../log.js";
import { QUERY_STAGES, StageClock, useStageClock } from "../stageClock.js";
import { runCli } from "./run.js";

async function main(argv: string[]): Promise<number> {
  const [corpusDir, indexDir, questionFile] = argv;
  if (!corpusDir || !indexDir || !questionFile) {
    process.stderr.write("usage: node dist/cli/benchQuery.js <corpusDir> <indexDir> <questionFile (a JSON array of questions)>\n");
    return 2;
  }
  // The store and the HNSW settings npm run bench was given; the rest are the defaults.
  const given = Object.fromEntries(["DATABASE_URL", "HNSW_M", "HNSW_EF_CONSTRUCTION", "HNSW_EF_SEARCH"].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
  const config = loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: "silent", ...given });
  const questions = JSON.parse(await readFile(questionFile, "utf8")) as string[];
  const retriever = await openRetriever(config, createLogger("silent"));
  // As the bot starts: what a question would otherwise build on first use is built now (the title
  // words, the typo index, the vector scan's int8 rows), then one question warms the code.
  await retriever.warmUp();
  await answerPage(retriever, "warm-up question", 0);
  const times: number[] = [];
  for (const question of questions) {
    const started = performance.now();
    await answerPage(retriever, question, 0);
    times.push(performance.now() - started);
  }
  // The same questions again, each stage timed (apart from the run above, so the laps cost it nothing).
  const clock = new StageClock();
  useStageClock(clock);
  for (const question of questions) {
    clock.start();
    await answerPage(retriever, question, 0);
    clock.lap("reply"); // what answerPage does after the judge: the reply's text and buttons
    clock.stop();
  }
  useStageClock(undefined);
  const stages = Object.fromEntries(
    QUERY_STAGES.map((stage) => {
      const laps = clock.totals.get(stage)!;
      return [stage, { p50: percentile(laps, 50), p95: percentile(laps, 95), mean: laps.reduce((a, b) => a + b, 0) / questions.length }];
    }),
  );
  await closePools();
  // The file store's vector stage: how many questions the int8 scan answered (the rest took the full float32 scan).
  const scans = retriever.source instanceof FileSource ? retriever.source.snapshot.matrix.scans : undefined;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ queryP50Ms: percentile(times, 50), queryP95Ms: percentile(times, 95), peakRssMb, stages, ...(scans ? { vectorScans: scans } : {}) })}\n`);
  return 0;
}

runCli(main);
