/**
 * `npm run feedback`: which quotes people marked wrong with 👎, for which questions, and which
 * of them the feedback rule moves down (src/app/demotion.ts), from FEEDBACK_DIR.
 *   --json   the summary as one JSON object
 */
import { FeedbackStore, VOTES_FILE } from "../app/feedback.js";
import { summarizeFeedback, type FeedbackSummary } from "../app/feedbackSummary.js";
import { WRONG_VOTERS_TO_DEMOTE } from "../app/demotion.js";
import { loadConfig } from "../config.js";
import { terminalSafe } from "../reply/terminal.js";
import { runCli } from "./run.js";
import { parseCommand, usageText } from "./usage.js";

const USAGE = usageText({
  name: "feedback",
  forms: [["", "the quotes people marked wrong, for which questions, and which are moved down"]],
  options: [["--json", "the summary as one JSON object on stdout (errors too)"]],
});

/** Questions shown per quote; the rest are counted. */
const QUESTIONS_SHOWN = 5;

function describe(summary: FeedbackSummary, file: string): string {
  if (summary.votes === 0) return `No votes yet in ${file}.\n`;
  const moved = summary.markedWrong.filter((quote) => quote.demoted).length;
  const lines = [
    `${summary.votes} vote${summary.votes === 1 ? "" : "s"} from ${summary.people} ${summary.people === 1 ? "person" : "people"}: ${summary.markedWrong.length} quote${summary.markedWrong.length === 1 ? "" : "s"} marked wrong, ${moved} moved down for similar questions (${WRONG_VOTERS_TO_DEMOTE} or more people, more than marked it right).`,
  ];
  for (const quote of summary.markedWrong) {
    const asked = quote.questions.slice(0, QUESTIONS_SHOWN).map((q) => `“${q.question}” (${q.wrong} wrong, ${q.right} right${q.demoted ? ", moved down" : ""})`);
    if (quote.questions.length > QUESTIONS_SHOWN) asked.push(`${quote.questions.length - QUESTIONS_SHOWN} more`);
    lines.push("", `${quote.demoted ? "moved down · " : ""}${quote.wrong} wrong, ${quote.right} right · ${quote.article}, characters ${quote.start}–${quote.end}`, `  “${quote.quote}”`, `  for ${asked.join("; ")}`);
  }
  return `${lines.join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { json: { type: "boolean" } }, USAGE);
  if (typeof parsed === "number") return parsed;
  const config = loadConfig();
  const store = await FeedbackStore.open(config.FEEDBACK_DIR);
  const summary = summarizeFeedback(store.votes());
  if (parsed.values.json) process.stdout.write(`${JSON.stringify({ ...summary, unreadableLines: store.unreadableLines })}\n`);
  else {
    // Questions and quotes are people's and articles' text: never terminal commands.
    process.stdout.write(terminalSafe(describe(summary, `${config.FEEDBACK_DIR}/${VOTES_FILE}`)));
    if (store.unreadableLines > 0) process.stderr.write(`${store.unreadableLines} line${store.unreadableLines === 1 ? "" : "s"} of the file could not be read and are left out.\n`);
  }
  return 0;
}

runCli(main);
