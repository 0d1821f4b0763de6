/**
 * The scoring workers with real worker threads, on a real index of the treaty articles: the same
 * answers as the main thread, on the build the main thread names, through a rebuild, a worker that
 * dies with questions under way, and shutdown.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { buildConfiguredIndex, configuredWatcher, openRetriever, retrieverFor } from "../src/app/open.js";
import { ScoringPool } from "../src/app/scoringPool.js";
import { createLogger } from "../src/log.js";
import type { Retriever } from "../src/retrieval/retriever.js";
import { copyOfTreatyCorpus, tempDir, testConfig } from "./helpers.js";

const QUESTIONS = ["does the treaty include mutual defence", "who signed the treaty", "how long will the treaty last", "what did Peskov say", "What is the boiling point of water at sea level?", "¿Qué dice el tratado sobre la defensa?"];
const LIGHTHOUSE = "---\nid: lighthouse\ntitle: Lighthouse keepers return\noutlet: Harbour Post\npublished: 2025-02-01\n---\nThe old lighthouse on Skerry Point will be staffed by keepers again from April, the harbour board said.\n";

const pools: ScoringPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

/** A treaty index of its own, its main-thread retriever, and a pool of `workers` on its build, with the log collected. */
async function setUp(workers: number): Promise<{ pool: ScoringPool; retriever: Retriever; logs: () => any[]; env: Record<string, string> }> {
  const env = { CORPUS_DIR: await copyOfTreatyCorpus(), INDEX_DIR: join(await tempDir("verbatim-index-"), "index"), ANSWER_WORKERS: String(workers) };
  const config = testConfig(env);
  await buildConfiguredIndex(config);
  const lines: string[] = [];
  const logger = createLogger("info", new Writable({ write: (chunk, _encoding, done) => (lines.push(...String(chunk).split("\n").filter(Boolean)), done()) }));
  const retriever = await openRetriever(config, logger);
  const pool = ScoringPool.start(config, retriever.source.buildId, logger);
  pools.push(pool);
  await pool.whenReady();
  return { pool, retriever, logs: () => lines.map((line) => JSON.parse(line)), env };
}

describe("the scoring workers", () => {
  it("answer every question exactly as the main thread does, many at once, from the build named", async () => {
    const { pool, retriever } = await setUp(2);
    const expected = await Promise.all(QUESTIONS.map((question) => retriever.ask(question, { limit: 9 })));
    const asked = Array.from({ length: 60 }, (_, i) => QUESTIONS[i % QUESTIONS.length]!);
    const answers = await Promise.all(asked.map((question) => pool.score(retriever, question, { limit: 9 })));
    answers.forEach((answer, i) => expect(answer).toEqual(expected[i % QUESTIONS.length]));
    expect(pool.counts).toEqual({ inWorkers: 60, inMainThread: 0, retried: 0 });
    expect(pool.workers).toHaveLength(2);
  });

  it("load a rebuilt index before the main thread serves it, and score on whichever build a question names", async () => {
    const { pool, retriever: before, env } = await setUp(1);
    await writeFile(join(env.CORPUS_DIR!, "lighthouse.md"), LIGHTHOUSE);
    const config = testConfig(env);
    await buildConfiguredIndex(config);
    const after = retrieverFor(await (await configuredWatcher(config)).load(), before);
    expect(after.source.buildId).not.toBe(before.source.buildId);
    await pool.prepare(after.source.buildId);
    // Both builds are held while the main thread switches: a question keeps the build it was asked on.
    const question = "when will the lighthouse have keepers again";
    const [old, rebuilt] = await Promise.all([pool.score(before, question, {}), pool.score(after, question, {})]);
    expect(old).toEqual(await before.ask(question));
    expect(rebuilt).toEqual(await after.ask(question));
    expect(rebuilt.results[0]!.quote).toContain("Skerry Point");
    expect(pool.counts.inMainThread).toBe(0);
    // Once the new build is served, the old one is dropped: a late question on it is scored in the main thread.
    pool.serving(after.source.buildId);
    expect(await pool.score(before, question, {})).toEqual(old);
    expect(pool.counts).toMatchObject({ inWorkers: 2, inMainThread: 1 });
  });

  it("answer the questions of a worker that dies, replace it, and score in workers again", async () => {
    const { pool, retriever, logs } = await setUp(1);
    const expected = await Promise.all(QUESTIONS.map((question) => retriever.ask(question)));
    const [first] = pool.workers;
    const under = QUESTIONS.map((question) => pool.score(retriever, question, {}));
    await first!.terminate();
    expect(await Promise.all(under)).toEqual(expected);
    const stopped = logs().find((line) => line.msg.startsWith("a scoring worker stopped unexpectedly"));
    expect(stopped).toMatchObject({ level: 50, exitCode: 1 });
    await pool.whenReady();
    expect(pool.workers).toHaveLength(1);
    expect(pool.workers[0]).not.toBe(first);
    const inWorkers = pool.counts.inWorkers;
    expect(await pool.score(retriever, QUESTIONS[0]!, {})).toEqual(await retriever.ask(QUESTIONS[0]!));
    expect(pool.counts.inWorkers).toBe(inWorkers + 1);
  });

  it("finish the questions under way when closed, then end", async () => {
    const { pool, retriever, logs } = await setUp(1);
    const [worker] = pool.workers;
    const exited = new Promise<number>((resolve) => worker!.once("exit", resolve));
    const under = QUESTIONS.map((question) => pool.score(retriever, question, {}));
    await pool.close();
    expect((await Promise.all(under)).map((answer) => answer.question)).toEqual(QUESTIONS.map((question) => question.replace(/\s+/g, " ").trim()));
    expect(await exited).toBe(0);
    expect(pool.workers).toEqual([]);
    expect(logs().some((line) => line.msg.startsWith("a scoring worker stopped"))).toBe(false);
    // After closing, a question is still answered, in the main thread.
    expect(await pool.score(retriever, QUESTIONS[1]!, {})).toEqual(await retriever.ask(QUESTIONS[1]!));
  });
});
