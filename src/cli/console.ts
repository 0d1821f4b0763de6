/**
 * The local console: `npm start` without a Discord token, on a terminal. A question typed as it
 * is (or after /ask) gets the same reply the bot would send, so the bot can be tried offline;
 * `more` and `back` page as the buttons do, and say so when there is no page to go to.
 */
import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import { answerPage } from "../app/answers.js";
import type { FeedbackStore } from "../app/feedback.js";
import type { LiveIndex } from "../app/liveIndex.js";
import { QuestionError, validateQuestion } from "../retrieval/answer.js";
import { helpReply, MAX_ANSWER_PAGES, sourcesPages, sourcesReply } from "../reply/discord.js";
import { replyAsText, styleFor, terminalSafe } from "../reply/terminal.js";
import { CONSOLE_HELP, noSuchSourcesPage, NOTICES, unknownCommand } from "../reply/wording.js";
import type { ConsoleLog } from "./consoleLog.js";

/** How the console runs: its prompt, and where the log lines go while it does. */
export interface ConsoleOptions {
  prompt?: string;
  /** The log's destination, printed between turns instead of into them. */
  logs?: ConsoleLog;
  /** People's votes from Discord: the console answers with them as the bot does (it takes no votes itself). */
  feedback?: FeedbackStore;
}

/** The last answer shown, for `more` and `back`. */
interface Shown {
  question: string;
  page: number;
  buildId: string;
  answered: boolean;
  hasMore: boolean;
}

const QUIT = new Set(["/quit", "/exit", "quit", "exit"]);
const ASK = new Set(["/ask", "ask"]);
const SOURCES = new Set(["/sources", "sources"]);
const HELP = new Set(["/help", "help"]);
const MORE = new Set(["more", "/more"]);
const BACK = new Set(["back", "/back"]);

/** Reads questions and commands from `input` until it ends or /quit, printing replies to `output`. */
export async function runConsole(index: LiveIndex, input: Readable, output: Writable, { prompt = "verbatim> ", logs, feedback }: ConsoleOptions = {}): Promise<void> {
  const lines = createInterface({ input, output, terminal: (input as { isTTY?: boolean }).isTTY === true });
  const style = styleFor(output as { isTTY?: boolean });
  // Replies come ready to print (article text made safe, bold only on a terminal); notes are made safe here.
  const print = (text: string) => output.write(text.endsWith("\n") ? text : `${text}\n`);
  const note = (text: string) => print(terminalSafe(text));
  let last: Shown | undefined;

  const ask = async (question: string, page: number) => {
    const { reply, answer, hasMore } = await answerPage(index.current, question, page, { feedback });
    last = { question, page, buildId: index.source.buildId, answered: answer.answered, hasMore };
    print(replyAsText(reply, style));
  };

  /** The page `more` or `back` goes to, or why there is none. */
  const turn = (step: 1 | -1): number | string => {
    if (!last) return NOTICES.askFirst;
    if (last.buildId !== index.source.buildId) return NOTICES.consoleStale;
    if (step === -1) return last.page === 0 ? NOTICES.firstPage : last.page - 1;
    if (!last.answered) return NOTICES.noMoreUnanswered;
    return last.hasMore && last.page + 1 < MAX_ANSWER_PAGES ? last.page + 1 : NOTICES.noMoreQuotes;
  };

  logs?.attach(lines, output);
  lines.setPrompt(prompt);
  lines.prompt();
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      const [command = "", ...rest] = line.split(/\s+/);
      const word = command.toLowerCase();
      const argument = line.slice(command.length).trim();
      logs?.hold();
      try {
        if (line === "") {
          // nothing
        } else if (QUIT.has(word)) {
          break;
        } else if (ASK.has(word)) {
          await ask(validateQuestion(argument), 0);
        } else if (MORE.has(word) || BACK.has(word)) {
          const page = turn(MORE.has(word) ? 1 : -1);
          if (typeof page === "string") note(page);
          else await ask(last!.question, page);
        } else if (SOURCES.has(word)) {
          const pages = sourcesPages(index.source);
          const asked = rest[0] === undefined ? 1 : Number(rest[0]);
          if (Number.isInteger(asked) && asked >= 1 && asked <= pages) print(replyAsText(sourcesReply(index.source, asked - 1), style));
          else note(noSuchSourcesPage(Number.isInteger(asked) ? asked : 1, pages));
        } else if (HELP.has(word)) {
          print(replyAsText(helpReply(index.source), style) + `\n${CONSOLE_HELP}\n`);
        } else if (command.startsWith("/")) {
          note(`${unknownCommand(command)}\n${CONSOLE_HELP}`);
        } else {
          // Anything else is a question, as if after /ask.
          await ask(validateQuestion(line), 0);
        }
      } catch (error) {
        if (!(error instanceof QuestionError)) throw error;
        note(error.message);
      } finally {
        logs?.release();
      }
      lines.prompt();
    }
  } finally {
    logs?.detach();
    lines.close();
  }
}
