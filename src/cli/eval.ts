/**
 * `npm run eval -- <questions.json>`: runs a labelled question set through the same code path as
 * `/ask` and prints, last, one line of figures; before it, the same figures for plain BM25 over
 * the same sentences (the baseline), so every run says how far above it we are.
 *   --verbose   every miss, with the question and the quote that won instead
 *   --json      the figures as one JSON object
 *   --why       for each miss, the stage that lost it (see src/evaluation/stages.ts), and the counts
 */
import { FileSource } from "../index/source.js";
import { readFile } from "node:fs/promises";
import { openRetriever } from "../app/open.js";
import { loadConfig } from "../config.js";
import { figuresLine, grade, parseQuestionSet, summarizeOutcomes, type Outcome } from "../evaluation/metrics.js";
import { SentenceBaseline } from "../evaluation/baseline.js";
import { missStage, stageLine } from "../evaluation/stages.js";
import { evaluate } from "../evaluation/evaluate.js";
import { createLogger } from "../log.js";
import { createProgress } from "./progress.js";
import { runCli } from "./run.js";
import { parseCommand, usageText } from "./usage.js";

const USAGE = usageText({
  name: "eval",
  forms: [["<questions.json>", "answer-quality figures for a labelled set, with the BM25 baseline\n(`npm run eval:sets` measures every set we have at once)"]],
  options: [
    ["-v, --verbose", "every miss, with the question and the quote that won instead"],
    ["--json", "the figures as one JSON object on stdout"],
    ["--why", "each miss with the stage that lost it (retrieval, sentence, ranking,\nrefused, answered), and the counts"],
  ],
});

function describeMiss(outcome: Outcome): string {
  const { question, answer, rank } = outcome;
  const top = answer.results[0];
  const status = question.unanswerable ? "unanswerable, but answered" : !answer.answered ? "refused" : rank === 0 ? "no relevant quote" : `first relevant at rank ${rank}`;
  return [`MISS ${question.id} (${status}): ${question.q}`, top ? `  won: “${top.quote.slice(0, 220)}” — ${top.source.id} (${top.score.toFixed(2)})` : "  won: nothing", question.gold[0] ? `  gold: ${question.gold[0]}` : ""].filter(Boolean).join("\n");
}

function isMiss(outcome: Outcome): boolean {
  if (outcome.question.unanswerable) return outcome.answer.answered;
  return outcome.rank !== 1 || !outcome.answer.answered;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { verbose: { type: "boolean", short: "v" }, json: { type: "boolean" }, why: { type: "boolean" } }, USAGE, true);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let questions;
  try {
    questions = parseQuestionSet(JSON.parse(await readFile(positionals[0]!, "utf8")));
  } catch (error) {
    process.stderr.write(`Cannot read the question set ${positionals[0]}: ${(error as Error).message}\n`);
    return 2;
  }
  const config = loadConfig();
  const retriever = await openRetriever(config, createLogger(config.LOG_LEVEL), { progress: createProgress() });
  await retriever.ask("warm-up question");
  const { outcomes, traces, figures: summary, stages } = await evaluate(retriever, questions, values.why === true);
  if (values.verbose || values.why) {
    for (const [i, outcome] of outcomes.entries()) {
      if (!isMiss(outcome)) continue;
      const stage = values.why ? missStage(traces[i]!) : undefined;
      process.stdout.write(`${stage ? `[${stage}] ` : ""}${describeMiss(outcome)}\n`);
    }
  }
  const figures = { ...summary, ...(stages ? { stages } : {}) };
  // The baseline reads every article in memory: the file store's build (see SentenceBaseline).
  const { source } = retriever;
  const baseline = source instanceof FileSource ? new SentenceBaseline(source.snapshot) : undefined;
  const baselineFigures =
    baseline &&
    summarizeOutcomes(
      questions.map((question) => {
        const started = performance.now();
        const answer = baseline.ask(question.q);
        return grade(question, answer, performance.now() - started);
      }),
    );
  if (values.json) process.stdout.write(`${JSON.stringify({ ...figures, baseline: baselineFigures ?? null })}\n`);
  else process.stdout.write(`${baselineFigures ? `baseline (BM25 over the same sentences, MiniSearch): ${figuresLine(baselineFigures)}` : "baseline: not measured (it reads the file store's build; unset DATABASE_URL to measure it)"}\n${stages ? `${stageLine(stages)}\n` : ""}${figuresLine(figures)}\n`);
  return 0;
}

runCli(main);
