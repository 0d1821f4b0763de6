import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LiveIndex } from "../src/app/liveIndex.js";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { runConsole, type ConsoleOptions } from "../src/cli/console.js";
import { FeedbackStore } from "../src/app/feedback.js";
import { ConsoleLog } from "../src/cli/consoleLog.js";
import { createLogger } from "../src/log.js";
import { tempDir, testConfig, TREATY_CORPUS } from "./helpers.js";

const MUTUAL_DEFENCE = "does the treaty include mutual defence";

/** Runs the console over `lines` on a live index of `config`, returning what it printed (as a terminal would get it, with `tty`). */
async function converse(config: ReturnType<typeof testConfig>, lines: string, { tty = false, logs, ...options }: { tty?: boolean; logs?: (output: PassThrough) => ConsoleLog } & Pick<ConsoleOptions, "feedback" | "exampleQuestion"> = {}): Promise<string> {
  const output = Object.assign(new PassThrough(), tty ? { isTTY: true } : {});
  const consoleLog = logs?.(output);
  const logger = createLogger(consoleLog ? "info" : "silent", consoleLog);
  const retriever = await openRetriever(config, logger);
  // A log line written while the console is answering: it must wait for the reply.
  const ask = retriever.ask.bind(retriever);
  vi.spyOn(retriever, "ask").mockImplementation((question, options) => {
    logger.info({ at: "mid-answer" }, "a log line while answering");
    return ask(question, options);
  });
  const index = new LiveIndex(retriever, config.INDEX_DIR, logger);
  const input = new PassThrough();
  let printed = "";
  output.on("data", (chunk) => (printed += String(chunk)));
  const done = runConsole(index, input, output, { prompt: "> ", logs: consoleLog, ...options });
  input.end(lines);
  await done;
  return printed;
}

describe("the local console", () => {
  it("prints an article's control sequences as symbols", async () => {
    const corpusDir = await tempDir("verbatim-corpus-");
    await writeFile(join(corpusDir, "odd.md"), "---\nid: odd\ntitle: Odd \u001b]0;pwned\u0007\noutlet: Wire\n---\nThe ferry to the island \u001b[2Jruns twice a day in summer.\n");
    const config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: await tempDir("verbatim-index-") });
    const printed = await converse(config, "/ask when does the ferry run\n/sources\n");
    expect(printed).toContain("island ␛[2Jruns twice");
    expect(printed).not.toMatch(/[\u001b\u0007]/);
  });
});

describe("the local console on the treaty articles", () => {
  let config: ReturnType<typeof testConfig>;
  let shared: string;
  beforeAll(async () => {
    // Made here, not with tempDir (emptied after each test): the tests share this index.
    shared = await mkdtemp(join(tmpdir(), "verbatim-console-"));
    await cp(TREATY_CORPUS, join(shared, "corpus"), { recursive: true });
    config = testConfig({ CORPUS_DIR: join(shared, "corpus"), INDEX_DIR: join(shared, "index") });
    await buildConfiguredIndex(config);
  });
  afterAll(() => rm(shared, { recursive: true, force: true }));

  it("answers /ask, more and /sources with the bot's words", async () => {
    const printed = await converse(config, `/ask ${MUTUAL_DEFENCE}\nmore\n/sources\n/ask\n/hello\n`);
    expect(printed).toMatch(/1\. “[^”]*(not expected to include a mutual defense clause|will not assist the aggressor)/);
    expect(printed).toContain("Quotes 5–");
    expect(printed).toContain("Articles I have read");
    expect(printed).toContain("The question is empty");
    expect(printed).toContain('Unknown command "/hello"');
  });

  it("numbers the quotes of a later page as its headline does: Quotes 5–8 are 5 to 8", async () => {
    const printed = await converse(config, `${MUTUAL_DEFENCE}\nmore\n`);
    const second = printed.slice(printed.indexOf("Quotes 5–"));
    const last = Number(/Quotes 5–(\d+):/.exec(second)![1]);
    const numbers = [...second.matchAll(/^(\d+)\. “/gm)].map((match) => Number(match[1]));
    expect(numbers).toEqual(Array.from({ length: last - 4 }, (_, i) => 5 + i));
  });

  it("gives an example question from the articles, or the configured one, for an empty question and in its help", async () => {
    const fromTitles = await converse(config, "/ask\n/help\n");
    expect(fromTitles).toContain("The question is empty: ask something about the articles, e.g. “What does this partnership really mean for Iran’s future?”.");
    expect(fromTitles).toContain("Type a question, e.g. “What does this partnership really mean for Iran’s future?”.");
    const configured = await converse(config, "/ask   \n/nonsense\n", { exampleQuestion: "who paid for the new cranes" });
    expect(configured).toContain("e.g. “who paid for the new cranes”");
    expect(configured).toContain("/ask <question>    the same: quotes that answer it, e.g. /ask who paid for the new cranes");
    expect(fromTitles + configured).not.toMatch(/mutual defen/);
  });

  it("explains itself with its own commands, not Discord's", async () => {
    const printed = await converse(config, "/help\n");
    expect(printed).not.toMatch(/private: True|More and Back|question:/);
    expect(printed).toMatch(/more and back to page through further quotes, good or bad/);
    expect(printed).toMatch(/^ +clear +clear the screen$/m);
  });

  it("clears the screen on a terminal, and says it cannot on a pipe, instead of taking clear for a question", async () => {
    const terminal = await converse(config, "clear\n", { tty: true });
    expect(terminal).toContain("\u001b[1;1H\u001b[0J");
    const piped = await converse(config, "clear\n");
    expect(piped).toContain("There is no screen to clear: the output is not a terminal.");
    expect(terminal + piped).not.toContain("Q: clear");
  });

  it("records good and bad on the last answer's first quote in the feedback store, as the vote buttons do", async () => {
    const feedbackDir = await tempDir("verbatim-feedback-");
    const feedback = await FeedbackStore.open(feedbackDir);
    const early = await converse(config, "good\n", { feedback });
    expect(early).toContain("Ask something first");
    const printed = await converse(config, `${MUTUAL_DEFENCE}\ngood\nmore\nbad\n+1\n+1\n`, { feedback });
    expect(printed).toContain("Thanks: you marked the first quote as answering the question. Type good again to take your vote back.");
    expect(printed).toContain("Thanks: you marked the first quote as not answering the question.");
    expect(printed).toContain("Your vote on this answer is taken back.");
    const unanswered = await converse(config, "What is the boiling point of water at sea level?\nbad\n", { feedback });
    expect(unanswered).toContain("there is no quote to vote on");
    // After a restart: one vote on that answer (paging kept it the same answer), taken back last.
    const votes = [...(await FeedbackStore.open(feedbackDir)).votes()];
    expect(votes).toHaveLength(1);
    expect(votes[0]).toMatchObject({ question: MUTUAL_DEFENCE, vote: "none" });
    const answer = await converse(config, `${MUTUAL_DEFENCE}\n-1\n`, { feedback });
    const quote = /1\. “([^”]*)”/.exec(answer)![1]!;
    const wrong = [...(await FeedbackStore.open(feedbackDir)).votes()].find((vote) => vote.vote === "wrong")!;
    expect(wrong.answer).toMatch(/^console-/);
    expect(quote.replace(/\s+/g, " ")).toContain(wrong.quote.replace(/\s+/g, " ").slice(0, 40));
  });

  it("takes a bare question as /ask", async () => {
    const [bare, asked] = await Promise.all([converse(config, `${MUTUAL_DEFENCE}\n`), converse(config, `/ask ${MUTUAL_DEFENCE}\n`)]);
    expect(bare).toContain(`Q: ${MUTUAL_DEFENCE}`);
    expect(bare).toBe(asked);
  });

  it("says there is nothing to page to instead of printing the same page again", async () => {
    const unanswered = await converse(config, "What is the boiling point of water at sea level?\nmore\n");
    expect(unanswered).toContain("Nothing in the articles answers that question, so there are no more quotes to show.");
    expect(unanswered.match(/Q: What is the boiling point/g)).toHaveLength(1);
    const first = await converse(config, `${MUTUAL_DEFENCE}\nback\n`);
    expect(first).toContain("This is already the first page of quotes.");
    expect(first.match(/Q: does the treaty/g)).toHaveLength(1);
    const early = await converse(config, "more\n");
    expect(early).toContain("Ask something first");
  });

  it("says how many pages of sources there are when asked for one past the end, or for no page at all", async () => {
    const printed = await converse(config, "/sources 2\n/sources x\n/sources 1\n");
    expect(printed).toContain("There is only 1 page of sources: try /sources 1.");
    expect(printed.match(/Articles I have read/g)).toHaveLength(1);
  });

  it("answers /help with what the bot does, what it has read and what it does not do", async () => {
    const printed = await converse(config, "/help\n");
    expect(printed).toContain("What Verbatim does");
    expect(printed).toMatch(/6 articles from .*Voice of America/);
    expect(printed).toContain("I only quote.");
    expect(printed).toContain("/quit");
  });

  it("shows the best sentence in bold on a terminal, and no escape code anywhere else", async () => {
    const terminal = await converse(config, `${MUTUAL_DEFENCE}\n`, { tty: true });
    expect(terminal).toMatch(/\u001b\[1m[^\u001b]+\u001b\[22m/);
    expect(terminal.replace(/\u001b\[(1|22)m/g, "")).not.toMatch(/\u001b/);
    const piped = await converse(config, `${MUTUAL_DEFENCE}\n`);
    expect(piped).not.toMatch(/\u001b/);
    expect(terminal.replace(/\u001b\[(1|22)m/g, "").replace(/\n> /g, "\n")).toBe(piped.replace(/\n> /g, "\n"));
  });

  it("prints a log line between the turns, readable, never inside a reply", async () => {
    const printed = await converse(config, `${MUTUAL_DEFENCE}\n`, { logs: (output) => new ConsoleLog(output) });
    const reply = printed.indexOf(`Q: ${MUTUAL_DEFENCE}`);
    const line = printed.indexOf("INFO: a log line while answering");
    expect(reply).toBeGreaterThanOrEqual(0);
    // After the whole reply (its last quote's label), not between its lines; and not JSON.
    expect(line).toBeGreaterThan(printed.lastIndexOf("match"));
    expect(printed).not.toContain('"msg":');
  });
});
