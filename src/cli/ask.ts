/**
 * `npm run ask -- "question"`: the bot's answers on a terminal, the same code path as `/ask`.
 *   --json            one JSON object per question on stdout (questions from stdin, one per line, if none given)
 *   --sources         the indexed articles instead of an answer
 *   --limit N         how many quotes at most (default 4)
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { answerQuestion } from "../app/answers.js";
import { FeedbackStore } from "../app/feedback.js";
import { openRetriever } from "../app/open.js";
import { loadConfig } from "../config.js";
import { createLogger } from "../log.js";
import { QuestionError, validateQuestion } from "../retrieval/answer.js";
import type { Retriever } from "../retrieval/retriever.js";
import { formatAnswer, formatSources, styleFor } from "../reply/terminal.js";
import { createProgress } from "./progress.js";
import { runCli } from "./run.js";

/** Exit code for a question or usage the user must fix (empty, too long, unknown flag). */
const EXIT_USAGE = 2;
/** Exit code for anything else that went wrong (bad corpus, damaged index, model missing). */
const EXIT_FAILURE = 1;

const USAGE = `Usage:
  npm run -s ask -- "your question"          answer on the terminal
  npm run -s ask -- --json "your question"   answer as one JSON object
  npm run -s ask -- --json < questions.txt   one JSON line per input line (a bad or blank line gets
                                             {"question", "error"}, and the exit code is then 2)
  npm run -s sources                         the articles the bot has read (= ask --sources)
Options:
  --limit N    how many quotes at most (1–25, default 4)
  -h, --help   this help`;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean" }, sources: { type: "boolean" }, limit: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    throw new QuestionError(`${(error as Error).message}\n${USAGE}`);
  }
}

async function answerStdin(retriever: Retriever, feedback: FeedbackStore, limit: number | undefined): Promise<number> {
  let failures = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  // One output line per input line, blank ones too, so answers stay in step with the questions.
  for await (const line of lines) {
    try {
      process.stdout.write(JSON.stringify(await answerQuestion(retriever, line, { limit }, feedback)) + "\n");
    } catch (error) {
      if (!(error instanceof QuestionError)) throw error;
      failures++;
      process.stdout.write(JSON.stringify({ question: line, error: error.message }) + "\n");
    }
  }
  return failures > 0 ? EXIT_USAGE : 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 25)) throw new QuestionError("--limit takes a whole number from 1 to 25.");
  const question = positionals.join(" ");
  const readStdin = values.json && !values.sources && positionals.length === 0;
  if (!values.sources && !readStdin) {
    if (question.trim() === "") throw new QuestionError(`No question given.\n${USAGE}`);
    validateQuestion(question);
  }

  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const retriever = await openRetriever(config, logger, { progress: createProgress() });
  if (values.sources) {
    process.stdout.write(formatSources(retriever.source));
    return 0;
  }
  // The votes people gave on Discord move quotes as they do for the bot.
  const feedback = await FeedbackStore.open(config.FEEDBACK_DIR, logger);
  if (readStdin) return answerStdin(retriever, feedback, limit);
  const answer = await answerQuestion(retriever, question, { limit }, feedback);
  if (values.json) process.stdout.write(JSON.stringify(answer) + "\n");
  else process.stdout.write(formatAnswer(answer, (id) => retriever.source.articles.get(id)?.title ?? id, styleFor(process.stdout)) + "\n");
  return 0;
}

runCli(main, (error) => (error instanceof QuestionError ? EXIT_USAGE : EXIT_FAILURE));
