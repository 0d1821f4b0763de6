/**
 * The bot end to end on the PostgreSQL store: the unmodified discord.js client against the fake
 * Discord, the index in PGlite + pgvector over the wire; then the bot as two shards (discord.js's
 * ShardingManager, one process each) answering from the one shared index, and both picking up a rebuild.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildConfiguredIndex } from "../src/app/open.js";
import { PROJECT_ROOT } from "../src/config.js";
import { closePools } from "../src/index/postgres/database.js";
import { callback, FAKE_TOKEN, finalReply, startBot, type RunningBot } from "./botHarness.js";
import { FakeDiscord } from "./fakeDiscord.js";
import { TREATY_CORPUS, testConfig } from "./helpers.js";
import { startTestDatabase, type TestDatabase } from "./pglite.js";

const MUTUAL_DEFENCE = "does the treaty include mutual defence";
const ask = (question: string) => [{ name: "question", type: 3, value: question }];
const LIGHTHOUSE = "---\nid: lighthouse\ntitle: Lighthouse keepers return\noutlet: Harbour Post\npublished: 2025-02-01\n---\nThe old lighthouse on Skerry Point will be staffed by keepers again from April, the harbour board said.\n";

let fake: FakeDiscord;
let database: TestDatabase;
let env: Record<string, string>;
let shared: string;
const running: RunningBot[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  [fake, database] = await Promise.all([new FakeDiscord().start(), startTestDatabase()]);
  // Made here, not with tempDir (emptied after each test): the tests share this corpus.
  shared = await mkdtemp(join(tmpdir(), "verbatim-bot-pg-"));
  const corpusDir = join(shared, "corpus");
  await cp(TREATY_CORPUS, corpusDir, { recursive: true });
  // INDEX_DIR points where nothing is: with DATABASE_URL, no file index is read or written.
  env = { CORPUS_DIR: corpusDir, INDEX_DIR: join(shared, "no-file-index"), DATABASE_URL: database.url, FEEDBACK_DIR: join(shared, "feedback") };
  await buildConfiguredIndex(testConfig(env));
});

afterEach(async () => {
  fake.release();
  await Promise.all(running.splice(0).map((bot) => bot.stop()));
  for (const child of children.splice(0)) child.kill("SIGKILL");
  expect(fake.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await fake.close();
  await closePools();
  await database.stop();
  // Nothing was written where a file index would be.
  expect(existsSync(env.INDEX_DIR!)).toBe(false);
  await rm(shared, { recursive: true, force: true });
});

async function until(test: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!test()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function startProcess(extra: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: "info", DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_URL: fake.apiUrl, ASK_COOLDOWN_SECONDS: "0", ...env, ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk) => (output += String(chunk)));
  child.stderr!.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe("the bot on the PostgreSQL store", () => {
  it("answers /ask with verbatim, attributed quotes, pages with More, lists /sources, and takes a vote", async () => {
    const started = await startBot(fake, env);
    running.push(started);
    expect(started.index.source.store).toBe("postgres");
    const { token } = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    expect((await callback(fake, token)).body.type).toBe(5);
    const reply = (await finalReply(fake, token)).body;
    expect(reply.embeds[0].description).toMatch(/not expected to include a mutual defense clause|will not assist the aggressor/);
    const more = reply.components[0].components.find((b: any) => b.label === "More");
    const page2 = fake.sendButton(more.custom_id, reply);
    expect((await finalReply(fake, page2.token)).body.content).toContain("Quotes 5–");
    const sources = fake.sendCommand("sources");
    const list = (await finalReply(fake, sources.token)).body;
    expect(list.embeds[0].description).toContain("Voice of America");
    expect(list.embeds[0].footer.text).toContain(`6 articles, ${started.index.source.manifest.counts.passages} passages`);
    // A vote reads the quoted article's text from the database to check the offsets still hold.
    const page1 = { ...reply, id: "555555555555555555" };
    const right = page1.components[0].components.find((b: any) => b.label === "Answers it");
    const voted = fake.sendButton(right.custom_id, page1);
    const note = (await callback(fake, voted.token)).body;
    expect(note.data.flags).toBe(64);
    expect(note.data.content).toContain("marked the first quote as answering");
  });

  it("runs as two shards from the one index, each answering its own servers, and both serve a rebuild", async () => {
    const proc = startProcess({ SHARDS: "2", INDEX_POLL_SECONDS: "0.5", HEALTH_PORT: "0" });
    await until(() => fake.identifiedShards.join(",") === "0,1", "both shards to identify", 120_000);
    await until(() => (proc.output().match(/"msg":"logged in to Discord/g) ?? []).length === 2, "both shards to log in", 60_000);
    expect(proc.output()).toContain('"msg":"running the bot as shards"');
    for (const shard of [0, 1]) {
      const { token } = fake.sendCommand("ask", ask(MUTUAL_DEFENCE), undefined, undefined, shard);
      const reply = (await finalReply(fake, token)).body;
      expect(reply.embeds[0].description).toMatch(/not expected to include a mutual defense clause|will not assist the aggressor/);
    }
    // The manager's health check speaks for both shards.
    const listening = proc.output().split("\n").find((line) => line.includes('"msg":"health check listening"'))!;
    const { port } = JSON.parse(listening);
    await until(() => proc.output().includes('"msg":"shard connected to Discord"'), "the manager to see the shards ready");
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    const body = (await health.json()) as any;
    expect(health.status).toBe(200);
    expect(body).toMatchObject({ status: "ok", discord: "connected", index: { articles: 6 } });

    await writeFile(join(env.CORPUS_DIR!, "lighthouse.md"), LIGHTHOUSE);
    const rebuilt = await buildConfiguredIndex(testConfig(env));
    await until(() => (proc.output().match(new RegExp(`"buildId":"${rebuilt.buildId}"[^\\n]*"msg":"serving the new index"`, "g")) ?? []).length === 2, "both shards to serve the rebuild");
    for (const shard of [0, 1]) {
      const { token } = fake.sendCommand("ask", ask("when will the lighthouse have keepers again"), undefined, undefined, shard);
      expect((await finalReply(fake, token)).body.embeds[0].description).toContain("Skerry Point");
    }
    proc.child.kill("SIGTERM");
    expect(await proc.exited, proc.output().slice(-3000)).toBe(0);
    expect((proc.output().match(/"msg":"logged out of Discord"/g) ?? []).length).toBe(2);
    expect(proc.output()).not.toContain(FAKE_TOKEN);
    expect(fake.connections).toBe(0);
  }, 240_000);
});
