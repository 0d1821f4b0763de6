/**
 * The local console: `npm start` without a Discord token, on a terminal. A question typed as it
 * is (or after /ask) gets the same reply the bot would send, so the bot can be tried offline;
 * `more` and `back` page as the buttons do, and say so when there is no page to go to; `good` and
 * `bad` vote on the last answer as 👍 and 👎 do, into the same feedback store.
 */
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { clearScreenDown, cursorTo } from "node:readline";
import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import { answerPage, checkQuestion, exampleFor } from "../app/answers.js";
import type { FeedbackStore } from "../app/feedback.js";
import type { LiveIndex } from "../app/liveIndex.js";
import { QuestionError, type Quote } from "../retrieval/answer.js";
import { helpReply, MAX_ANSWER_PAGES, QUOTES_PER_PAGE, sourcesPages, sourcesReply } from "../reply/discord.js";
import { replyAsText, styleFor, terminalSafe } from "../reply/terminal.js";
import { CONSOLE_NOTICES, consoleHelp, consoleHow, noSuchSourcesPage, NOTICES, unknownCommand } from "../reply/wording.js";
import type { ConsoleLog } from "./consoleLog.js";

/** How the console runs: its prompt, and where the log lines go while it does. */
export interface ConsoleOptions {
  prompt?: string;
  /** The log's destination, printed between turns instead of into them. */
  logs?: ConsoleLog;
  /** People's votes: the console answers with them as the bot does, and records its own good / bad there. */
  feedback?: FeedbackStore;
  /** EXAMPLE_QUESTION, when configured (otherwise the example is made from a title of the index). */
  exampleQuestion?: string;
}

/** The last answer shown, for `more`, `back`, `good` and `bad`. */
interface Shown {
  question: string;
  page: number;
  buildId: string;
  answered: boolean;
  hasMore: boolean;
  /** Names the answer in the feedback store, as a Discord message's id does: the same for each of its pages. */
  answerId: string;
  /** The quote a vote is on: the answer's first, as on Discord. */
  first: Quote | undefined;
}

const QUIT = new Set(["/quit", "/exit", "quit", "exit"]);
const ASK = new Set(["/ask", "ask"]);
const SOURCES = new Set(["/sources", "sources"]);
const HELP = new Set(["/help", "help"]);
const MORE = new Set(["more", "/more"]);
const BACK = new Set(["back", "/back"]);
const GOOD = new Set(["good", "/good", "+1", "👍"]);
const BAD = new Set(["bad", "/bad", "-1", "👎"]);
const CLEAR = new Set(["clear", "/clear", "cls"]);

/** Who votes from this console, as the feedback store keeps it (hashed): the person logged in to this machine. */
function consoleVoter(): string {
  try {
    return `console:${userInfo().username}`;
  } catch {
    return "console";
  }
}

/** Reads questions and commands from `input` until it ends or /quit, printing replies to `output`. */
export async function runConsole(index: LiveIndex, input: Readable, output: Writable, { prompt = "verbatim> ", logs, feedback, exampleQuestion }: ConsoleOptions = {}): Promise<void> {
  const lines = createInterface({ input, output, terminal: (input as { isTTY?: boolean }).isTTY === true });
  const style = styleFor(output as { isTTY?: boolean });
  // Replies come ready to print (article text made safe, bold only on a terminal); notes are made safe here.
  const print = (text: string) => output.write(text.endsWith("\n") ? text : `${text}\n`);
  const note = (text: string) => print(terminalSafe(text));
  const isTerminal = (output as { isTTY?: boolean }).isTTY === true;
  const example = () => exampleFor(exampleQuestion, index.source);
  let last: Shown | undefined;

  /** Shows page `page` of an answer: a new answer, or another page of the last one (`again`). */
  const ask = async (question: string, page: number, again = false) => {
    const { reply, answer, hasMore } = await answerPage(index.current, question, page, { feedback });
    const answerId = again && last ? last.answerId : `console-${randomUUID()}`;
    last = { question, page, buildId: index.source.buildId, answered: answer.answered, hasMore, answerId, first: answer.answered ? answer.results[0] : undefined };
    print(replyAsText(reply, style, page * QUOTES_PER_PAGE + 1));
  };

  /** Records good or bad on the last answer's first quote, as 👍 / 👎 do on Discord; the note to print. */
  const vote = async (choice: "right" | "wrong"): Promise<string> => {
    if (!last) return NOTICES.askFirst;
    if (!feedback) return CONSOLE_NOTICES.votesNotKept;
    if (last.buildId !== index.source.buildId) return NOTICES.consoleStale;
    if (!last.first) return CONSOLE_NOTICES.nothingToVoteOn;
    const { source, start, end, quote } = last.first;
    const now = await feedback.record({ answer: last.answerId, user: consoleVoter(), choice, question: last.question, article: source.id, start, end, quote });
    return now === "right" ? CONSOLE_NOTICES.voteRight : now === "wrong" ? CONSOLE_NOTICES.voteWrong : NOTICES.voteWithdrawn;
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
          await ask(checkQuestion(argument, example), 0);
        } else if (MORE.has(word) || BACK.has(word)) {
          const page = turn(MORE.has(word) ? 1 : -1);
          if (typeof page === "string") note(page);
          else await ask(last!.question, page, true);
        } else if (GOOD.has(word) || BAD.has(word)) {
          note(await vote(GOOD.has(word) ? "right" : "wrong"));
        } else if (CLEAR.has(word)) {
          if (isTerminal) {
            cursorTo(output, 0, 0);
            clearScreenDown(output);
          } else note(CONSOLE_NOTICES.notATerminal);
        } else if (SOURCES.has(word)) {
          const pages = sourcesPages(index.source);
          const asked = rest[0] === undefined ? 1 : Number(rest[0]);
          if (Number.isInteger(asked) && asked >= 1 && asked <= pages) print(replyAsText(sourcesReply(index.source, asked - 1), style));
          else note(noSuchSourcesPage(Number.isInteger(asked) ? asked : 1, pages));
        } else if (HELP.has(word)) {
          print(replyAsText(helpReply(index.source, example(), consoleHow), style) + `\n${terminalSafe(consoleHelp(example()))}\n`);
        } else if (command.startsWith("/")) {
          note(`${unknownCommand(command)}\n${consoleHelp(example())}`);
        } else {
          // Anything else is a question, as if after /ask.
          await ask(checkQuestion(line, example), 0);
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
