/**
 * The bot under a burst of questions: 200 /ask at once, from 200 people, to `npm start`'s own
 * process (the fake Discord runs here, in the test's process) scoring in worker threads. Every
 * interaction is acknowledged, and every reply is the one the main thread would have made for that
 * question on that build. How fast is `npm run bench:ack`'s to measure (docs/performance.md).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerPage } from "../src/app/answers.js";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { parseArticleFile } from "../src/corpus/frontMatter.js";
import { createLogger } from "../src/log.js";
import { quotableSentences } from "../src/passages/layout.js";
import type { ReplyPayload } from "../src/reply/discord.js";
import { callback, finalReply, startBotProcess, type BotProcess } from "./botHarness.js";
import { FakeDiscord, snowflake } from "./fakeDiscord.js";
import { copyOfTreatyCorpus, tempDir, testConfig } from "./helpers.js";

const BURST = 200;
/** Questions that are not plain English: pings, markdown, emoji, a right-to-left override, another language, one nothing answers. */
const HOSTILE_QUESTIONS = [
  "<@222222222222222222> @everyone who signed the treaty",
  "does the **treaty** include `mutual defence` 🇮🇷🤝🇷🇺",
  "\u202Ewho signed the treaty\u202C",
  "Le traité prévoit-il une défense mutuelle ?",
  "What is the boiling point of water at sea level?",
];
const LEADS = ["what about", "who said", "why did", "when was", "how does"];

/** BURST different questions about the treaty articles: a few content words of each of their sentences, after a question word. */
async function questionsAbout(corpusDir: string): Promise<string[]> {
  const sentences: string[] = [];
  for (const name of (await readdir(corpusDir)).sort()) {
    const { body } = parseArticleFile(name, await readFile(join(corpusDir, name), "utf8"));
    for (const span of quotableSentences(body)) sentences.push(body.slice(span.start, span.end));
  }
  const questions = new Set(HOSTILE_QUESTIONS);
  for (let i = 0; questions.size < BURST; i++) {
    const words = sentences[i % sentences.length]!.toLowerCase().match(/[a-z]{4,}/g) ?? [];
    const lead = LEADS[Math.floor(i / sentences.length) % LEADS.length]!;
    questions.add(`${lead} ${words.slice(0, 5).join(" ")}`);
  }
  return [...questions];
}

let fake: FakeDiscord;
let proc: BotProcess | undefined;
beforeAll(async () => {
  fake = await new FakeDiscord().start();
});
afterAll(async () => {
  proc?.child.kill("SIGKILL");
  await fake.close();
});

describe("the bot under a burst of 200 questions at once", () => {
  it("acknowledges every one and answers each with its own question's reply, scored in worker threads", async () => {
    const env = { CORPUS_DIR: await copyOfTreatyCorpus(), INDEX_DIR: join(await tempDir("verbatim-index-"), "index"), ANSWER_WORKERS: "2" };
    const config = testConfig(env);
    await buildConfiguredIndex(config);
    const questions = await questionsAbout(env.CORPUS_DIR);
    // What the main thread makes of each question on this build, as a reply.
    const retriever = await openRetriever(config, createLogger("silent"));
    const expected = new Map<string, ReplyPayload>();
    for (const question of questions) expected.set(question, (await answerPage(retriever, question.replace(/\s+/g, " ").trim(), 0, { voting: true })).reply);

    proc = startBotProcess(fake, env);
    const ready = () => (proc!.output().match(/"msg":"a scoring worker is ready"/g) ?? []).length === 2 && proc!.output().includes("logged in to Discord");
    for (const started = Date.now(); !ready(); await new Promise((resolve) => setTimeout(resolve, 50))) {
      if (Date.now() - started > 60_000) throw new Error(`the bot and its two scoring workers did not start:\n${proc.output().slice(-3000)}`);
    }
    const sent = questions.map((question, i) => ({ question, ...fake.sendCommand("ask", [{ name: "question", type: 3, value: question }], { id: snowflake(), username: `person${i}`, discriminator: "0", global_name: `Person ${i}`, avatar: null }) }));

    const acknowledgements = await Promise.all(sent.map(({ token }) => callback(fake, token)));
    expect(acknowledgements.map((ack) => [ack.body.type, ack.status])).toEqual(sent.map(() => [5, 204]));
    const replies = await Promise.all(sent.map(({ token }) => finalReply(fake, token)));
    replies.forEach((reply, i) => {
      const want = expected.get(sent[i]!.question)!;
      expect(reply.method).toBe("PATCH");
      expect({ content: reply.body.content, embeds: reply.body.embeds, components: reply.body.components }).toEqual({ content: want.content, embeds: want.embeds, components: want.components });
    });
    expect(fake.takeViolations()).toEqual([]);

    // Every question was scored in a worker: the pool says so as it stops.
    proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    const stopped = JSON.parse(proc.output().split("\n").find((line) => line.includes('"msg":"scoring workers stopped"'))!);
    expect(stopped).toMatchObject({ inWorkers: BURST, inMainThread: 0, retried: 0 });
    expect(proc.output().match(/"outcome":"answered"/g)).toHaveLength(BURST);
  }, 180_000);
});
