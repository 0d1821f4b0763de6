/**
 * The local console: `npm start` without a Discord token, on a terminal. It takes `/ask …` and
 * `/sources` and prints the same replies the bot would send, so the bot can be tried offline.
 */
import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import { answerPage } from "../app/answers.js";
import type { LiveIndex } from "../app/liveIndex.js";
import { QuestionError, validateQuestion } from "../retrieval/answer.js";
import { MAX_ANSWER_PAGES, sourcesReply } from "../reply/discord.js";
import { replyAsText, terminalSafe } from "../reply/terminal.js";
import { NOTICES } from "../reply/wording.js";

/** What the console takes, printed when it starts and after an unknown command. */
export const CONSOLE_HELP = `Commands:
  /ask <question>    quotes that answer the question, e.g. /ask does the treaty include mutual defence
  more, back         the next or previous quotes of the last answer (the buttons on Discord)
  /sources [page]    the articles the bot has read
  /quit              leave (or Ctrl+D)`;

/** Reads commands from `input` until it ends or /quit, printing replies to `output`. */
export async function runConsole(index: LiveIndex, input: Readable, output: Writable, prompt = "verbatim> "): Promise<void> {
  const lines = createInterface({ input, output, terminal: (input as { isTTY?: boolean }).isTTY === true });
  // Article text is data: control characters are shown, never sent to the terminal.
  const print = (text: string) => output.write(terminalSafe(text.endsWith("\n") ? text : `${text}\n`));
  let last: { question: string; page: number; buildId: string } | undefined;
  lines.setPrompt(prompt);
  lines.prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    const [command = "", ...rest] = line.split(/\s+/);
    const argument = line.slice(command.length).trim();
    try {
      if (line === "") {
        // nothing
      } else if (command === "/quit" || command === "/exit" || command === "quit" || command === "exit") {
        break;
      } else if (command === "/ask" || command === "ask") {
        const question = validateQuestion(argument);
        const { reply } = await answerPage(index.current, question, 0);
        last = { question, page: 0, buildId: index.snapshot.buildId };
        print(replyAsText(reply));
      } else if (command === "more" || command === "back") {
        if (!last) print(NOTICES.askFirst);
        else if (last.buildId !== index.snapshot.buildId) print(NOTICES.consoleStale);
        else {
          const page = Math.min(MAX_ANSWER_PAGES - 1, Math.max(0, last.page + (command === "more" ? 1 : -1)));
          const { reply } = await answerPage(index.current, last.question, page);
          last.page = page;
          print(replyAsText(reply));
        }
      } else if (command === "/sources" || command === "sources") {
        const page = Number(rest[0] ?? "1");
        print(replyAsText(sourcesReply(index.snapshot, Number.isInteger(page) && page > 0 ? page - 1 : 0)));
      } else {
        print(`Unknown command "${command}".\n${CONSOLE_HELP}`);
      }
    } catch (error) {
      if (!(error instanceof QuestionError)) throw error;
      print(error.message);
    }
    lines.prompt();
  }
  lines.close();
}
