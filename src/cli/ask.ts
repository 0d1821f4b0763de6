/**
 * `verbatim ask "question"` (`npm run -s ask -- "question"`): the bot's answers on a terminal,
 * the same code path as `/ask`; `verbatim sources [page]`: the articles it has read.
 *   --json            JSON on stdout: one object per question (questions from stdin, one per line,
 *                     if none given), the sources, or an error
 *   --sources         the indexed articles instead of an answer (a page of them when one is given)
 *   --limit N         how many quotes at most (default 4)
 *   --server ID       ask (or list the articles) as that Discord server would: the shared articles and its own
 *   --outlet NAME     only articles of this outlet (repeat for several)
 *   --since, --until  only articles published from / up to a date (2025-01-17, jan 2025, last week)
 */
import { createInterface } from "node:readline";
import { answerQuestion, checkQuestion, exampleFor } from "../app/answers.js";
import { FeedbackStore } from "../app/feedback.js";
import { openRetriever } from "../app/open.js";
import { loadConfig } from "../config.js";
import { createLogger } from "../log.js";
import { QuestionError, validateQuestion } from "../retrieval/answer.js";
import type { Retriever } from "../retrieval/retriever.js";
import { parseDateFilter } from "../retrieval/dates.js";
import { parseGuildId, scopedListing, type ArticleFilter, type ArticleScope } from "../retrieval/scope.js";
import { formatAnswer, formatSources, sourcesJson, sourcesPageCount, styleFor } from "../reply/terminal.js";
import { noSuchSourcesPage } from "../reply/wording.js";
import { createProgress } from "./progress.js";
import { runCli } from "./run.js";
import { EXIT_USAGE, parseCommand, usageText } from "./usage.js";

/** Exit code for anything else that went wrong (bad corpus, damaged index, model missing). */
const EXIT_FAILURE = 1;
/** The most quotes `--limit` asks for: five pages of the bot's. */
const MAX_LIMIT = 25;

const USAGE = usageText({
  name: "ask",
  forms: [
    ['"your question"', "answer on the terminal"],
    ['--json "your question"', 'answer as one JSON object (a question that cannot be asked: {"question", "error"})'],
    ["--json < questions.txt", 'one JSON line per input line (a bad or blank line gets\n{"question", "error"}, and the exit code is then 2)'],
    ["[page]", "the articles the bot has read (= verbatim ask --sources): all, or 10 a page", "sources"],
    ["--json [page]", "the same as one JSON object", "sources"],
  ],
  options: [
    ["--json", "print JSON on stdout, errors included"],
    ["--limit N", `how many quotes at most (1–${MAX_LIMIT}, default 4)`],
    ["--sources", "list the articles instead of answering"],
    ["--server ID", "as that Discord server sees it (its guild id): the shared articles and its own;\nwithout it, the shared articles only"],
    ["--outlet NAME", "only articles of this outlet (repeat it for several)"],
    ["--since DATE", "only articles published on or after DATE (2025-01-17, jan 2025, 2025,\nyesterday, last week, last month)"],
    ["--until DATE", "only articles published on or before DATE"],
  ],
  fromClone: "From a clone: `npx verbatim ask …`, or `npm run -s ask -- …` (and `npm run -s sources -- …`).",
});

async function answerStdin(retriever: Retriever, feedback: FeedbackStore, options: { limit?: number; scope: ArticleScope; filter: ArticleFilter }, example: () => string | undefined): Promise<number> {
  let failures = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  // One output line per input line, blank ones too, so answers stay in step with the questions.
  for await (const line of lines) {
    try {
      process.stdout.write(JSON.stringify(await answerQuestion(retriever, checkQuestion(line, example), options, feedback)) + "\n");
    } catch (error) {
      if (!(error instanceof QuestionError)) throw error;
      failures++;
      process.stdout.write(JSON.stringify({ question: line, error: error.message }) + "\n");
    }
  }
  return failures > 0 ? EXIT_USAGE : 0;
}

/** A question or page that cannot be asked: as `{"question", "error"}` on stdout with --json, otherwise the message (and the usage, if `withUsage`) on stderr. */
function refuse(json: boolean | undefined, question: string, message: string, withUsage = false): number {
  if (json) process.stdout.write(JSON.stringify({ question, error: message }) + "\n");
  else process.stderr.write(`${message}${withUsage ? `\n${USAGE}` : ""}\n`);
  return EXIT_USAGE;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    { json: { type: "boolean" }, sources: { type: "boolean" }, limit: { type: "string" }, server: { type: "string" }, outlet: { type: "string", multiple: true }, since: { type: "string" }, until: { type: "string" } },
    USAGE,
    true,
  );
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const outlets = values.outlet as unknown as string[] | undefined;
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  const question = positionals.join(" ");
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT)) return refuse(values.json, question, `--limit takes a whole number from 1 to ${MAX_LIMIT}.`);
  const page = values.sources && positionals.length > 0 ? Number(positionals[0]) : undefined;
  if (values.sources && (positionals.length > 1 || (page !== undefined && !(Number.isInteger(page) && page >= 1)))) return refuse(values.json, question, "verbatim sources takes one page number (1, 2, …), or none for every article.", true);
  const readStdin = values.json && !values.sources && positionals.length === 0;
  if (!values.sources && !readStdin) {
    if (question.trim() === "") return refuse(values.json, question, "No question given: put the question after the command, in quotation marks.", !values.json);
    try {
      validateQuestion(question);
    } catch (error) {
      if (error instanceof QuestionError) return refuse(values.json, question, error.message);
      throw error;
    }
  }

  let scope: ArticleScope;
  let filter: ArticleFilter;
  try {
    scope = values.server === undefined ? {} : { guildId: parseGuildId(values.server) };
    filter = { ...(outlets !== undefined && outlets.length > 0 ? { outlets } : {}), ...parseDateFilter({ since: values.since, until: values.until }, new Date()) };
  } catch (error) {
    if (error instanceof QuestionError) return refuse(values.json, question, error.message);
    throw error;
  }

  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const retriever = await openRetriever(config, logger, { progress: createProgress() });
  if (values.sources) {
    const listing = scopedListing(retriever.source, scope);
    const pages = sourcesPageCount(listing);
    if (page !== undefined && page > pages) return refuse(values.json, question, noSuchSourcesPage(page, pages, "verbatim sources"));
    const shown = page === undefined ? undefined : page - 1;
    process.stdout.write(values.json ? `${JSON.stringify(sourcesJson(listing, shown))}\n` : formatSources(listing, shown));
    return 0;
  }
  try {
    // An outlet the scope does not have, or dates that leave no article: said once, before any question.
    retriever.view(scope, filter);
  } catch (error) {
    if (error instanceof QuestionError) return refuse(values.json, question, error.message);
    throw error;
  }
  const options = { ...(limit !== undefined ? { limit } : {}), scope, filter };
  // The votes people gave on Discord and in the console move quotes as they do for the bot.
  const feedback = await FeedbackStore.open(config.FEEDBACK_DIR, logger);
  if (readStdin) return answerStdin(retriever, feedback, options, () => exampleFor(config.EXAMPLE_QUESTION, retriever.source, scope));
  const answer = await answerQuestion(retriever, question, options, feedback);
  if (values.json) process.stdout.write(JSON.stringify(answer) + "\n");
  else process.stdout.write(formatAnswer(answer, (id) => retriever.source.articles.get(id)?.title ?? id, styleFor(process.stdout)) + "\n");
  return 0;
}

runCli(main, (error) => (error instanceof QuestionError ? EXIT_USAGE : EXIT_FAILURE));
