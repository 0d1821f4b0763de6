/**
 * The bot end to end: the unmodified discord.js client against the fake Discord on loopback, on
 * each store: the file index, and PostgreSQL with pgvector (the server of TEST_DATABASE_URL, or
 * PGlite: test/testDatabase.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildConfiguredIndex } from "../src/app/open.js";
import { MAX_CACHED_USERS } from "../src/bot/clientOptions.js";
import { BUNDLED_MODEL_ID } from "../src/embeddings/bundledModel.js";
import { DISCORD_LIMITS, isInert } from "../src/reply/markdown.js";
import { NOTICES } from "../src/reply/wording.js";
import { PROJECT_ROOT } from "../src/config.js";
import { buildPath, readPointer, switchPointer } from "../src/index/layout.js";
import { closePools, poolFor } from "../src/index/postgres/database.js";
import { currentBuild } from "../src/index/postgres/schema.js";
import { buildPostgresIndex } from "../src/index/postgres/build.js";
import { DEFAULT_PASSAGE_SETTINGS } from "../src/passages/passages.js";
import { callback, FAKE_TOKEN, finalReply, startBot, startBotProcess, type BotProcess, type RunningBot } from "./botHarness.js";
import { startTestDatabase, type TestDatabase } from "./testDatabase.js";
import { ASKER, FakeDiscord, OTHER_USER, snowflake, type RecordedRequest } from "./fakeDiscord.js";
import { copyOfTreatyCorpus, TREATY_CORPUS, tempDir, testConfig } from "./helpers.js";

const MUTUAL_DEFENCE = "does the treaty include mutual defence";
/** A question whose text must never reach a log line (LOG_QUESTIONS is off). */
const PRIVATE_QUESTION = "does the treaty say anything about my cousin Farida's visa";
const EPHEMERAL = 64;
/** An article added to a corpus to see a rebuild served. */
const LIGHTHOUSE = "---\nid: lighthouse\ntitle: Lighthouse keepers return\noutlet: Harbour Post\npublished: 2025-02-01\n---\nThe old lighthouse on Skerry Point will be staffed by keepers again from April, the harbour board said.\n";
const ask = (question: string, extra: { name: string; type: number; value: unknown }[] = []) => [{ name: "question", type: 3, value: question }, ...extra];

type Store = "files" | "postgres";
const STORES: Store[] = ["files", "postgres"];

let fake: FakeDiscord;
/** The shared index of the store under test (see `onStore`). */
let env: Record<string, string>;
let store: Store;
const envs = {} as Record<Store, Record<string, string>>;
const databases: TestDatabase[] = [];
const running: RunningBot[] = [];
const children: ChildProcess[] = [];

let shared: string;
beforeAll(async () => {
  fake = await new FakeDiscord().start();
  // Made here, not with tempDir (which is emptied after each test): every test shares this index.
  shared = await mkdtemp(join(tmpdir(), "verbatim-bot-"));
  await cp(TREATY_CORPUS, join(shared, "corpus"), { recursive: true });
  envs.files = { CORPUS_DIR: join(shared, "corpus"), INDEX_DIR: join(shared, "index") };
  const database = await startTestDatabase();
  databases.push(database);
  // INDEX_DIR points where nothing is: with DATABASE_URL, no file index is read or written.
  envs.postgres = { CORPUS_DIR: join(shared, "corpus"), INDEX_DIR: join(shared, "no-file-index"), DATABASE_URL: database.url };
  await buildConfiguredIndex(testConfig(envs.files));
  await buildConfiguredIndex(testConfig(envs.postgres));
});

/** Runs a describe block's tests on the given store's shared index. */
function onStore(which: Store): void {
  beforeAll(() => {
    store = which;
    env = envs[which];
  });
}

/** A store of its own for a test's own corpus: a fresh index folder, or a fresh database too. */
async function ownStore(): Promise<Record<string, string>> {
  const indexDir = await tempDir("verbatim-index-");
  if (store === "files") return { INDEX_DIR: indexDir };
  const database = await startTestDatabase();
  databases.push(database);
  return { INDEX_DIR: join(indexDir, "no-file-index"), DATABASE_URL: database.url };
}

/** The build the store serves now. */
async function currentBuildId(of: Record<string, string>): Promise<string | undefined> {
  if (!of.DATABASE_URL) return readPointer(of.INDEX_DIR!);
  return (await currentBuild(poolFor(of.DATABASE_URL, 200)))?.name;
}

afterEach(async () => {
  fake.release();
  await Promise.all(running.splice(0).map((bot) => bot.stop()));
  for (const child of children.splice(0)) child.kill("SIGKILL");
  // Everything the bot sent in the test must be a request Discord's own spec accepts.
  expect(fake.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await fake.close();
  await closePools();
  await Promise.all(databases.map((database) => database.stop()));
  // Nothing was written where the PostgreSQL store's file index would be.
  expect(existsSync(envs.postgres.INDEX_DIR!)).toBe(false);
  await rm(shared, { recursive: true, force: true });
  // No test's votes landed in the folder a test without its own FEEDBACK_DIR points at.
  expect(existsSync(join(PROJECT_ROOT, "test", "no-feedback-configured"))).toBe(false);
});

async function bot(extra: Record<string, string> = {}, base = env): Promise<RunningBot> {
  const started = await startBot(fake, { ...base, ...extra });
  running.push(started);
  return started;
}

/** The custom_id of the button labelled `label` on a message. */
function button(message: any, label: string): string {
  return message.components[0].components.find((b: any) => b.label === label).custom_id;
}

/** Checks a message payload against Discord's limits and our no-ping rule. */
function expectWithinLimits(body: any): void {
  expect(body.allowed_mentions).toEqual({ parse: [] });
  expect((body.content ?? "").length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  const embeds: any[] = body.embeds ?? [];
  expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
  let total = 0;
  for (const embed of embeds) {
    expect((embed.description ?? "").length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect((embed.title ?? "").length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
    expect((embed.footer?.text ?? "").length).toBeLessThanOrEqual(DISCORD_LIMITS.embedFooter);
    total += (embed.description ?? "").length + (embed.title ?? "").length + (embed.footer?.text ?? "").length;
  }
  expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
}

/** Spawns `npm start`'s entry point as its own process, on the store under test. */
function startProcess(extra: Record<string, string>): BotProcess {
  const started = startBotProcess(fake, { ...env, ...extra });
  children.push(started.child);
  return started;
}

/** Checks that no log line carries the interaction's token, the bot's token, or the question. */
function expectNoSecrets(logs: string[], token: string, question = PRIVATE_QUESTION): void {
  const text = logs.join("\n");
  expect(text).not.toContain(token);
  expect(text).not.toContain(FAKE_TOKEN);
  expect(text).not.toContain(question);
}

async function until(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!test()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(STORES)("the bot on a fake Discord (%s store)", (which) => {
  onStore(which);
  it("logs in with the token and gets ready", async () => {
    const { logs } = await bot();
    expect(fake.identifies.at(-1)).toBe(FAKE_TOKEN);
    expect(logs.some((line) => line.includes("logged in to Discord"))).toBe(true);
  });

  it("answers /ask for mutual defence: deferred at once, then the quotes with attribution", async () => {
    const { logs } = await bot();
    const { token } = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    const deferred = await callback(fake, token);
    expect(deferred.body.type).toBe(5);
    expect(deferred.body.data?.flags ?? 0).toBe(0);
    const reply = await finalReply(fake, token);
    expect(reply.method).toBe("PATCH");
    expect(reply.path).toMatch(/\/messages\/@original$/);
    expect(reply.headers.authorization).toBeUndefined();
    expectWithinLimits(reply.body);
    expect(reply.body.content).toContain(MUTUAL_DEFENCE);
    const first = reply.body.embeds[0].description as string;
    expect(first).toMatch(/not expected to include a mutual defense clause|will not assist the aggressor/);
    expect(first).toMatch(/— \*.+\* · (Voice of America|DW|Los Angeles Times|outlet not stated) · /);
    expect(reply.body.embeds.length).toBeGreaterThanOrEqual(3);
    expect(reply.body.components[0].components.map((b: any) => b.label)).toEqual(["Answers it", "Does not answer", "More"]);
    await until(() => logs.some((l) => l.includes('"msg":"interaction"')), "the interaction log line");
    const line = logs.map((l) => JSON.parse(l)).find((l) => l.msg === "interaction" && l.kind === "ask");
    expect(line).toMatchObject({ questionLength: MUTUAL_DEFENCE.length, results: reply.body.embeds.length, answered: true });
    expect(line.question).toBeUndefined();
    expect(typeof line.ms).toBe("number");
  });

  it("answers privately when asked to", async () => {
    await bot();
    const { token } = fake.sendCommand("ask", ask(MUTUAL_DEFENCE, [{ name: "private", type: 5, value: true }]));
    expect((await callback(fake, token)).body.data.flags).toBe(EPHEMERAL);
  });

  it("says plainly when nothing answers, then shows the closest passages as low confidence", async () => {
    await bot();
    const { token } = fake.sendCommand("ask", ask("What is the boiling point of water at sea level?"));
    const reply = await finalReply(fake, token);
    expectWithinLimits(reply.body);
    expect(reply.body.content).toContain("Nothing in the articles answers this");
    expect(reply.body.embeds.length).toBeLessThanOrEqual(3);
    for (const embed of reply.body.embeds) expect(embed.footer.text).toBe("not an answer");
    expect(reply.body.components).toEqual([]);
  });

  it("lists the sources with passage counts, build time and model", async () => {
    const { index } = await bot();
    const { token } = fake.sendCommand("sources");
    expect((await callback(fake, token)).body.type).toBe(5);
    const reply = await finalReply(fake, token);
    expectWithinLimits(reply.body);
    const embed = reply.body.embeds[0];
    expect(embed.description).toContain("Voice of America");
    const voa = index.source.manifest.articles["voa-iranian-president-in-moscow"]!.passages;
    expect(embed.description).toContain(`Voice of America · 2025-01-17 · ${voa} passages`);
    expect(embed.footer.text).toContain(`6 articles, ${index.source.manifest.counts.passages} passages`);
    expect(embed.footer.text).toContain(BUNDLED_MODEL_ID);
    expect(embed.footer.text).toContain(index.source.manifest.builtAt);
  });

  it("answers /help privately: what it does, how to ask, what it has read, what it does not do", async () => {
    const { logs } = await bot();
    const { token } = fake.sendCommand("help");
    const reply = await callback(fake, token);
    expect(reply.body.type).toBe(4);
    expect(reply.body.data.flags).toBe(EPHEMERAL);
    expectWithinLimits(reply.body.data);
    const embed = reply.body.data.embeds[0];
    expect(embed.title).toBe("What Verbatim does");
    expect(embed.description).toMatch(/\*\*How to ask\*\*\n.*\/ask/);
    // The example question is made from a title of the articles read, not written into the code.
    expect(embed.description).toContain("e.g. “/ask question: What does this partnership really mean for Iran’s future?”");
    expect(embed.description).toMatch(/6 articles from .*Voice of America/);
    expect(embed.description).toContain("I only quote.");
    await until(() => logs.some((l) => l.includes('"outcome":"help"')), "the interaction log line");
  });

  it("pages with More and Back; someone else's click gets a private note", async () => {
    await bot();
    const first = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    const page1 = (await finalReply(fake, first.token)).body;
    const more = fake.sendButton(button(page1, "More"), page1);
    expect((await callback(fake, more.token)).body.type).toBe(6);
    const page2 = (await finalReply(fake, more.token)).body;
    expectWithinLimits(page2);
    expect(page2.content).toContain("Quotes 5–");
    expect(page2.components[0].components.map((b: any) => b.label)).toEqual(["Back", "More"]);
    expect(page2.embeds[0].description).not.toBe(page1.embeds[0].description);
    const back = fake.sendButton(button(page2, "Back"), page2);
    const again = (await finalReply(fake, back.token)).body;
    expect(again.embeds.map((e: any) => e.description)).toEqual(page1.embeds.map((e: any) => e.description));
    const stranger = fake.sendButton(button(page1, "More"), page1, ASKER, OTHER_USER);
    const note = await callback(fake, stranger.token);
    expect(note.body.type).toBe(4);
    expect(note.body.data.flags).toBe(EPHEMERAL);
    expect(note.body.data.content).toContain("Only the person who asked");
  });

  it("answers a too-fast second question with a short private note", async () => {
    await bot({ ASK_COOLDOWN_SECONDS: "30" });
    const first = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    await finalReply(fake, first.token);
    const second = fake.sendCommand("ask", ask("who signed the treaty"));
    const note = await callback(fake, second.token);
    expect(note.body.type).toBe(4);
    expect(note.body.data.flags).toBe(EPHEMERAL);
    expect(note.body.data.content).toMatch(/please wait \d+ seconds?/);
    const other = fake.sendCommand("ask", ask("who signed the treaty"), OTHER_USER);
    expect((await callback(fake, other.token)).body.type).toBe(5);
  });

  it("turns an error inside retrieval into a short private message and a logged stack, never the token", async () => {
    // Scored in this thread (no workers), where the test can make retrieval fail.
    const { index, logs } = await bot({ ANSWER_WORKERS: "0" });
    vi.spyOn(index.current, "ask").mockRejectedValueOnce(new Error("simulated failure in retrieval"));
    const { token } = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    const followUp = await fake.waitFor((r) => r.method === "POST" && r.path.startsWith("/webhooks/") && r.path.includes(token));
    expect(followUp.body.content).toBe(NOTICES.error);
    expect(followUp.body.flags).toBe(EPHEMERAL);
    expect(fake.callsFor(token).some((r) => r.method === "DELETE")).toBe(true);
    await until(() => logs.some((l) => l.includes('"outcome":"error"')), "the interaction log line");
    const error = logs.map((l) => JSON.parse(l)).find((l) => l.msg === "an interaction failed");
    expect(error.err.stack).toContain("simulated failure in retrieval");
    expect(logs.join("\n")).not.toContain(FAKE_TOKEN);
  });

  it("still answers when Discord rate-limits the reply: discord.js waits, retries, and the wait is logged without the token", async () => {
    const { logs } = await bot();
    fake.rateLimitNext((r) => r.method === "PATCH", 0.2);
    const { token } = fake.sendCommand("ask", ask(PRIVATE_QUESTION));
    await until(() => fake.callsFor(token).some((r) => r.method === "PATCH" && r.status === 200), "the retried reply");
    const edits = fake.callsFor(token).filter((r) => r.method === "PATCH");
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(edits[1]!.body).toEqual(edits[0]!.body);
    await until(() => logs.some((l) => l.includes('"msg":"interaction"')), "the interaction log line");
    const lines = logs.map((l) => JSON.parse(l));
    expect(lines.find((l) => l.msg === "interaction")).toMatchObject({ outcome: "answered" });
    expect(lines.find((l) => l.level === 40 && /rate limit/i.test(l.msg))).toMatchObject({ method: "PATCH", url: expect.stringContaining("/[token]/messages/%40original") });
    expectNoSecrets(logs, token);
  });

  it("logs an answer that comes too late for Discord (404 Unknown interaction) without crashing or leaking, and keeps answering", async () => {
    const { logs } = await bot();
    const late = fake.sendCommand("ask", ask(PRIVATE_QUESTION), ASKER, { ageSeconds: 4 });
    await until(() => logs.some((l) => l.includes('"msg":"interaction"')), "the interaction log line");
    expectNoSecrets(logs, late.token);
    expect(fake.callsFor(late.token).map((r) => [r.method, r.status])).toEqual([["POST", 404], ["POST", 404]]);
    const lines = logs.map((l) => JSON.parse(l));
    const failure = lines.find((l) => l.msg === "an interaction failed");
    expect(failure.err).toMatchObject({ status: 404, code: 10062, method: "POST", message: "Unknown interaction" });
    expect(failure.err.url).toMatch(/\/interactions\/\d+\/\[token\]\/callback(\?|$)/);
    expect(lines.find((l) => l.msg === "could not tell the user about the error").err.status).toBe(404);
    expect(lines.find((l) => l.msg === "interaction")).toMatchObject({ outcome: "error", questionLength: PRIVATE_QUESTION.length });
    const next = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    expect((await finalReply(fake, next.token)).body.embeds.length).toBeGreaterThan(0);
  });

  it.each([
    { status: 400, body: { message: "Invalid Form Body", code: 50035, errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." }] } } } },
    { status: 500, body: { message: "500: Internal Server Error", code: 0 } },
  ])("logs a reply Discord refuses with $status by its status, never the token or the question, and apologises", async ({ status, body }) => {
    const { logs } = await bot();
    const { token } = fake.sendCommand("ask", ask(PRIVATE_QUESTION));
    // discord.js retries a 5xx three times; every attempt fails.
    fake.failNext((r) => r.method === "PATCH" && r.path.includes(token), status, body, { times: Infinity });
    const apology = await fake.waitFor((r) => r.method === "POST" && r.path.startsWith("/webhooks/") && r.path.includes(token));
    expect(apology.body.content).toBe(NOTICES.error);
    await until(() => logs.some((l) => l.includes('"msg":"interaction"')), "the interaction log line");
    expectNoSecrets(logs, token);
    const failure = logs.map((l) => JSON.parse(l)).find((l) => l.msg === "an interaction failed");
    expect(failure.err).toMatchObject({ status, method: "PATCH", url: expect.stringMatching(/\/webhooks\/\d+\/\[token\]\/messages\/%40original$/) });
    expect(failure.err.requestBody).toBeUndefined();
  });

  it("keeps its user cache bounded while hundreds of different people use it", async () => {
    const { bot: verbatim } = await bot();
    const people = Array.from({ length: 300 }, (_, i) => ({ id: snowflake(), username: `person${i}`, discriminator: "0", global_name: `Person ${i}`, avatar: null }));
    // An empty question is answered at once with a private note: the quickest full round trip.
    const tokens = people.map((person) => fake.sendCommand("ask", ask(" "), person).token);
    const notes = await Promise.all(tokens.map((token) => callback(fake, token)));
    expect(notes.every((note) => note.body.type === 4)).toBe(true);
    expect(verbatim.client.users.cache.size).toBeLessThanOrEqual(MAX_CACHED_USERS + 1);
  });

  it("picks up a rebuilt index without a restart, and refuses a broken one", async () => {
    const corpusDir = await copyOfTreatyCorpus();
    const own: Record<string, string> = { CORPUS_DIR: corpusDir, ...(await ownStore()) };
    const indexDir = own.INDEX_DIR!;
    await buildConfiguredIndex(testConfig(own));
    const { index, logs, pool } = await bot({ INDEX_POLL_SECONDS: "0.2" }, own);
    await pool!.whenReady();
    const before = index.source.buildId;
    await writeFile(join(corpusDir, "lighthouse.md"), LIGHTHOUSE);
    await buildConfiguredIndex(testConfig(own));
    await until(() => index.source.buildId !== before, "the new index to be served");
    const { token } = fake.sendCommand("ask", ask("when will the lighthouse have keepers again"));
    const reply = await finalReply(fake, token);
    expect(reply.body.embeds[0].description).toContain("Skerry Point");
    // The scoring worker loaded the new build before the bot served it, and scored the question on it.
    expect(pool!.counts).toMatchObject({ inWorkers: 1, inMainThread: 0 });

    // A damaged build becomes current (the pointer moves to a copy with a broken file; or a
    // build's text is changed behind its checksum in the database): the bot keeps the good one.
    const good = (await currentBuildId(own))!;
    if (store === "files") {
      await cp(buildPath(indexDir, good), buildPath(indexDir, "broken-build"), { recursive: true });
      await writeFile(join(buildPath(indexDir, "broken-build"), "passages.bin"), "not passages");
      await switchPointer(indexDir, "broken-build");
    } else {
      // Damaged inside the transaction that makes it current, so that no poll can load it intact first.
      await writeFile(join(corpusDir, "lighthouse.md"), (await readFile(join(corpusDir, "lighthouse.md"), "utf8")).replace("April", "May"));
      const { embedder } = index.current;
      const broken = await buildPostgresIndex({
        corpusDir,
        passageSettings: DEFAULT_PASSAGE_SETTINGS,
        modelId: BUNDLED_MODEL_ID,
        modelKey: embedder.key,
        loadEmbedder: async () => embedder,
        pool: poolFor(own.DATABASE_URL!, 200),
        beforeCommit: async (client, build) => {
          await client.query(`update verbatim_articles_b${build} set body = body || ' ' where id = 'lighthouse'`);
        },
      });
      expect(broken.buildId).not.toBe(good);
    }
    await until(() => logs.some((l) => l.includes("the new index cannot be loaded")), "the refusal to be logged");
    expect(index.source.buildId).toBe(good);
    const after = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    expect((await finalReply(fake, after.token)).body.embeds.length).toBeGreaterThan(0);
  });

  it("escapes a hostile article: no mention, formatting or link, within every limit, emoji whole", async () => {
    const corpusDir = await tempDir("verbatim-corpus-");
    const long = `The harbour committee reported ${"that the quay repairs continued and the budget grew again while the tide rose ".repeat(70)}until the end.`;
    const body = [
      "@everyone the harbour committee met <@222222222222222222> and <@&555555555555555555> about the quay 🧑🏽‍🚒🇬🇧 repairs.",
      "# Breaking: **the quay** repairs are __over budget__ says the committee, see https://example.com/quay and [click](https://evil.example) ||spoiler||.",
      "> quoted line from the harbour committee about quay repairs with `code` and ~~strike~~ @here.",
      "-# small text from the committee on quay repairs.",
      long,
    ].join("\n");
    await writeFile(join(corpusDir, "hostile.md"), `---\nid: hostile\ntitle: "**Hostile** @everyone <@1> title"\noutlet: "@here Outlet"\npublished: 2025-01-01\nurl: https://example.com/a_b*c\n---\n${body}\n`);
    const own: Record<string, string> = { CORPUS_DIR: corpusDir, ...(await ownStore()) };
    await buildConfiguredIndex(testConfig(own));
    await bot({}, own);
    for (const question of ["what did the harbour committee say about the quay repairs", "budget tide quay"]) {
      const { token } = fake.sendCommand("ask", ask(question));
      const reply = (await finalReply(fake, token)).body;
      expectWithinLimits(reply);
      for (const embed of reply.embeds) {
        const description: string = embed.description;
        const [quote, attribution] = description.split("\n\n— ");
        // Our own markup is the quote marks, ** around the best sentence, and * around the title.
        expect(isInert(quote!.replace(/\*\*/g, ""))).toBe(true);
        expect(isInert(attribution!.replace(/^\*|\*(?= · )/g, "").replace(" · <https://example.com/a_b*c>", ""))).toBe(true);
        expect(description).not.toMatch(/(?<!\\)@(everyone|here)/);
        expect(description).not.toMatch(/(?<!\\)<@/);
        expect(description).not.toContain("\uFFFD");
        // Every emoji is whole: the family of code points appears complete or not at all.
        if (description.includes("🧑")) expect(description).toContain("🧑🏽‍🚒🇬🇧");
      }
    }
  });

  it("registers the commands to one guild, and globally without DISCORD_GUILD_ID", async () => {
    const run = (extra: Record<string, string>) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "src/cli/register.ts"], {
          cwd: PROJECT_ROOT,
          env: { ...process.env, DISCORD_TOKEN: FAKE_TOKEN, DISCORD_APPLICATION_ID: "111111111111111111", DISCORD_API_URL: fake.apiUrl, DISCORD_GUILD_ID: "", ...extra },
        });
        let out = "";
        child.stdout.on("data", (chunk) => (out += String(chunk)));
        child.stderr.on("data", (chunk) => (out += String(chunk)));
        child.on("exit", (code) => resolve({ code, out }));
      });
    const guild = await run({ DISCORD_GUILD_ID: "666666666666666666", EXAMPLE_QUESTION: "who paid for the new cranes" });
    expect(guild.code).toBe(0);
    expect(guild.out).toContain("Registered /ask, /sources, /help, /add, /feeds, “Find quotes” (on a message) in the server 666666666666666666");
    const put = fake.requests.find((r) => r.method === "PUT" && r.path === "/applications/111111111111111111/guilds/666666666666666666/commands")!;
    expect(put.headers.authorization).toBe(`Bot ${FAKE_TOKEN}`);
    const askCommand = put.body.find((c: any) => c.name === "ask");
    expect(askCommand.options.map((o: any) => [o.name, o.required ?? false])).toEqual([["question", true], ["private", false], ["outlet", false], ["since", false], ["until", false]]);
    expect(askCommand.options[0].max_length).toBe(300);
    expect(askCommand.options[0].description).toBe("What you want to know, e.g. who paid for the new cranes");
    const global = await run({});
    expect(global.code).toBe(0);
    expect(fake.requests.some((r) => r.method === "PUT" && r.path === "/applications/111111111111111111/commands")).toBe(true);
    const missing = await run({ DISCORD_TOKEN: "" });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain("DISCORD_TOKEN");
  });
});

describe.each(STORES)("feedback on answers (%s store)", (which) => {
  onStore(which);
  /** A click on a button of `message` by `user`; resolves with the private note it got. */
  async function click(label: string, message: any, user: typeof ASKER): Promise<string> {
    const button = message.components[0].components.find((b: any) => b.label === label);
    const { token } = fake.sendButton(button.custom_id, message, ASKER, user);
    // Acknowledged at once, privately, before the article is read and the vote written; the placeholder becomes the note.
    const deferred = await callback(fake, token);
    expect(deferred.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    const note = await finalReply(fake, token);
    expect(note.method).toBe("PATCH");
    expectWithinLimits(note.body);
    return note.body.content;
  }
  const person = (n: number) => ({ ...OTHER_USER, id: `77777777777777777${n}`, username: `voter${n}` });
  const footers = (reply: any) => reply.embeds.map((embed: any) => embed.footer.text as string);
  /** Presses More until there is none, returning the last page. */
  async function lastPage(reply: any): Promise<any> {
    for (;;) {
      const more = reply.components[0]?.components.find((b: any) => b.label === "More");
      if (!more) return reply;
      reply = (await finalReply(fake, fake.sendButton(more.custom_id, reply).token)).body;
    }
  }

  it("takes 👍 / 👎 from anyone, one vote per person per answer, and moves a quote several people marked wrong below the others for similar questions; the votes survive a restart and a re-index", async () => {
    const corpusDir = await copyOfTreatyCorpus();
    const own: Record<string, string> = { CORPUS_DIR: corpusDir, ...(await ownStore()), FEEDBACK_DIR: join(await tempDir("verbatim-feedback-"), "feedback"), INDEX_POLL_SECONDS: "0.2" };
    await buildConfiguredIndex(testConfig(own));
    let running = await bot({}, own);
    const asked = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    const page1 = { ...(await finalReply(fake, asked.token)).body, id: "555555555555555555" };
    expect(page1.components[0].components.map((b: any) => [b.emoji?.name, b.label])).toEqual([["👍", "Answers it"], ["👎", "Does not answer"], [undefined, "More"]]);
    const firstQuote = page1.embeds[0].description;

    // The asker and two others mark it wrong; the asker's second click takes the vote back, a third puts it back.
    expect(await click("Does not answer", page1, ASKER)).toContain("marked the first quote as not answering");
    expect(await click("Does not answer", page1, ASKER)).toBe("Your vote on this answer is taken back.");
    expect(await click("Does not answer", page1, ASKER)).toContain("not answering");
    expect(await click("Does not answer", page1, OTHER_USER)).toContain("not answering");
    // Two votes: not enough to move it.
    const early = (await finalReply(fake, fake.sendCommand("ask", ask(MUTUAL_DEFENCE)).token)).body;
    expect(early.embeds[0].description).toBe(firstQuote);
    expect(await click("Answers it", page1, person(1))).toContain("marked the first quote as answering");
    expect(await click("Does not answer", page1, person(1))).toContain("not answering");
    expect(await click("Answers it", page1, person(2))).toContain("as answering");
    // Three people say wrong (person 1 changed their mind), one says right.
    const similar = "does the treaty include a mutual defence clause";
    const after = (await finalReply(fake, fake.sendCommand("ask", ask(similar)).token)).body;
    expectWithinLimits(after);
    expect(after.embeds.map((embed: any) => embed.description)).not.toContain(firstQuote);
    // It is after every other quote: on the last page, marked so.
    const last = await lastPage(after);
    expect(last.embeds.at(-1).description).toBe(firstQuote);
    expect(footers(last).at(-1)).toMatch(/ · marked wrong by 3 people for a similar question$/);
    expect(footers(last).slice(0, -1).join(" ")).not.toContain("marked wrong");
    // An unrelated question is not affected.
    const other = (await finalReply(fake, fake.sendCommand("ask", ask("who signed the treaty")).token)).body;
    expect(footers(other).join(" ")).not.toContain("marked wrong");
    expect((await readFile(join(own.FEEDBACK_DIR!, "votes.jsonl"), "utf8")).trim().split("\n")).toHaveLength(7);

    // A restart reads the votes back.
    await running.stop();
    running.stop = async () => undefined;
    running = await bot({}, own);
    const restarted = (await finalReply(fake, fake.sendCommand("ask", ask(similar)).token)).body;
    expect((await lastPage(restarted)).embeds.at(-1).description).toBe(firstQuote);

    // So does a rebuilt index with the same articles.
    const before = running.index.source.buildId;
    await buildConfiguredIndex(testConfig(own), { force: true });
    await until(() => running.index.source.buildId !== before, "the rebuilt index to be served");
    const reindexed = (await finalReply(fake, fake.sendCommand("ask", ask(similar)).token)).body;
    expect((await lastPage(reindexed)).embeds.at(-1).description).toBe(firstQuote);

    // Once the quote's article changes, the old answer's buttons say so instead of voting on other words.
    const articleId = page1.components[0].components[1].custom_id.split(":").slice(5).join(":");
    const file = join(corpusDir, running.index.source.articles.get(articleId)!.file);
    await writeFile(file, `${await readFile(file, "utf8")}\nA sentence added later to the article.\n`);
    const changed = running.index.source.buildId;
    await buildConfiguredIndex(testConfig(own));
    await until(() => running.index.source.buildId !== changed, "the changed index to be served");
    expect(await click("Does not answer", page1, person(3))).toContain("The articles have changed since this answer");
  });
});

describe.each(STORES)("the bot as a process (%s store)", (which) => {
  onStore(which);
  it("keeps the More button working after a restart, and says so kindly once the index changed", async () => {
    const first = startProcess({});
    await until(() => first.output().includes("logged in to Discord"), "the first bot to log in");
    const asked = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    const page1 = (await finalReply(fake, asked.token)).body;
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = startProcess({});
    await until(() => second.output().includes("logged in to Discord"), "the restarted bot to log in");
    const more = fake.sendButton(button(page1, "More"), page1);
    const page2 = (await finalReply(fake, more.token)).body;
    expect(page2.content).toContain("Quotes 5–");

    const stale = { ...page1, components: [{ type: 1, components: [{ type: 2, style: 1, label: "More", custom_id: "ask:1:20200101-000000000-000000" }] }] };
    const click = fake.sendButton(stale.components[0].components[0].custom_id, stale);
    const note = await callback(fake, click.token);
    expect(note.body.data.flags).toBe(EPHEMERAL);
    expect(note.body.data.content).toContain("re-indexed");
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(first.output() + second.output()).not.toContain(FAKE_TOKEN);
  });

  it("on SIGTERM finishes the interaction in flight (its health check saying 503, stopping), then logs out and exits 0", async () => {
    const proc = startProcess({ HEALTH_PORT: "0" });
    await until(() => proc.output().includes("logged in to Discord"), "the bot to log in");
    const { port } = JSON.parse(proc.output().split("\n").find((line) => line.includes('"msg":"health check listening"'))!);
    let deferCall: RecordedRequest | undefined;
    fake.hold = (r) => r.path.endsWith("/callback") && (deferCall = r) !== undefined;
    const { token } = fake.sendCommand("ask", ask(MUTUAL_DEFENCE));
    await until(() => deferCall !== undefined, "the deferral to arrive");
    proc.child.kill("SIGTERM");
    await until(() => proc.output().includes("finishing interactions in flight"), "the bot to start stopping");
    const draining = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(draining.status).toBe(503);
    expect(((await draining.json()) as { reason: string }).reason).toBe("stopping: finishing the interactions in flight");
    fake.release();
    const reply = await finalReply(fake, token);
    expect(reply.body.embeds.length).toBeGreaterThan(0);
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain("finishing interactions in flight");
    expect(proc.output()).toContain("logged out of Discord");
    expect(fake.connections).toBe(0);
  });

  it("answers GET /healthz 503 while loading and connecting, then 200 with the build, model, uptime and Discord's state", async () => {
    let gatewayAsked = false;
    fake.hold = (r) => r.method === "GET" && r.path === "/gateway/bot" && (gatewayAsked = true);
    const proc = startProcess({ HEALTH_PORT: "0" });
    await until(() => proc.output().includes('"msg":"health check listening"'), "the health check to listen");
    const listening = proc.output().split("\n").find((line) => line.includes('"msg":"health check listening"'))!;
    const { host, port } = JSON.parse(listening);
    expect(host).toBe("127.0.0.1");
    const healthz = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      return { status: response.status, body: (await response.json()) as any };
    };
    const early = await healthz();
    expect(early.status).toBe(503);
    expect(["loading the model and the index", "connecting to Discord"]).toContain(early.body.reason);
    await until(() => gatewayAsked, "the bot to ask Discord for its gateway");
    const connecting = await healthz();
    expect(connecting).toMatchObject({ status: 503, body: { status: "unavailable", reason: "connecting to Discord", discord: "connecting" } });
    fake.release();
    await until(() => proc.output().includes("logged in to Discord"), "the bot to log in");
    const ready = await healthz();
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: "ok", discord: "connected", model: BUNDLED_MODEL_ID, index: { buildId: await currentBuildId(env), model: BUNDLED_MODEL_ID, articles: 6 } });
    expect(ready.body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(ready.body)).not.toContain(FAKE_TOKEN);
    proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });

  it("without DISCORD_TOKEN and not on a terminal, exits 1 naming the variable", async () => {
    const proc = startProcess({ DISCORD_TOKEN: "" });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain("DISCORD_TOKEN is not set");
  });
});

describe("the bot as shards (postgres store)", () => {
  onStore("postgres");
  it("runs as two shards from the one index, each answering its own servers, and both serve a rebuild", async () => {
    // A corpus and a database of its own: the rebuild below must not reach the other tests.
    const own: Record<string, string> = { CORPUS_DIR: await copyOfTreatyCorpus(), ...(await ownStore()) };
    await buildConfiguredIndex(testConfig(own));
    const proc = startProcess({ ...own, SHARDS: "2", INDEX_POLL_SECONDS: "0.5", HEALTH_PORT: "0" });
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

    await writeFile(join(own.CORPUS_DIR!, "lighthouse.md"), LIGHTHOUSE);
    const rebuilt = await buildConfiguredIndex(testConfig(own));
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
