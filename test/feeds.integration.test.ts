import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRetriever } from "../src/app/open.js";
import { FeedPoller } from "../src/app/feedPoller.js";
import { LiveIndex } from "../src/app/liveIndex.js";
import { PROJECT_ROOT } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { startFeedServer, type FeedServer } from "./feedServer.js";
import { copyOfTreatyCorpus, tempDir, testConfig } from "./helpers.js";

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

/** Runs `npm run add -- …`'s script in a child process; resolves with its exit code and output. */
function add(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/add.ts", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: "silent", FETCH_ALLOW_PRIVATE_NETWORK: "true", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run add against a feed server", () => {
  it("adds the feed's items with front matter and indexes them; twice adds nothing; --json prints only JSON", { timeout: 120_000 }, async () => {
    const root = await tempDir();
    const env = { CORPUS_DIR: await copyOfTreatyCorpus(), INDEX_DIR: join(root, "index"), FEED_STATE_FILE: join(root, "feeds.json") };
    // A picture saved under an article's name: skipped, and named with why.
    await writeFile(join(env.CORPUS_DIR, "photo.md"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]));
    const first = await add(["--json", `${server.base}/rss.xml`], env);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(first.stdout.trim().split("\n")).toHaveLength(1);
    expect(report.added).toHaveLength(2);
    // No index yet: the six treaty articles and the two new ones are all indexed.
    expect(report.index.summary).toMatch(/^8 added, 0 changed, 0 removed, 0 unchanged, 1 skipped/);
    expect(report.index.skipped).toEqual([{ file: "photo.md", reason: expect.stringMatching(/^looks like a JPEG image/) }]);
    expect(first.stderr).toMatch(/^skipped photo\.md: looks like a JPEG image, not text/m);
    expect(first.stderr).toMatch(/: 2 added, 0 already in the corpus, 0 failed/);
    const saved = await readFile(join(env.CORPUS_DIR, report.added[0]), "utf8");
    expect(saved).toMatch(/^---\nid: coast-gazette-2026-03-02-harbour-deal-signed-after-long-talks\ntitle: Harbour deal signed after long talks\noutlet: Coast Gazette\npublished: 2026-03-02\nurl: http:\/\/127\.0\.0\.1:\d+\/articles\/harbour\.html\n---\nThe port authority/);

    const second = await add([`${server.base}/rss.xml`, `${server.base}/articles/harbour.html`], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/unchanged since the last pull/);
    expect(second.stderr).toMatch(/not added .*harbour\.html: already in the corpus/);
    expect(second.stdout).toBe("");

    const failed = await add([`${server.base}/missing.html`], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/failed .*missing\.html: the server answered 404/);
  });

  it("explains how to use it when given nothing to add", async () => {
    const root = await tempDir();
    const result = await add([], { CORPUS_DIR: join(root, "corpus"), INDEX_DIR: join(root, "index") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No address given and FEEDS is empty/);
    const help = await add(["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}verbatim add <url>…/);
  });
});

describe("the running bot's feed poller", () => {
  it("makes a new feed article answerable within one poll", { timeout: 120_000 }, async () => {
    const root = await tempDir();
    const config = testConfig({ CORPUS_DIR: await copyOfTreatyCorpus(), INDEX_DIR: join(root, "index"), FEED_STATE_FILE: join(root, "feeds.json"), FEEDS: `${server.base}/atom.xml`, FEEDS_POLL_MINUTES: "60", FETCH_ALLOW_PRIVATE_NETWORK: "true" });
    const lines: string[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk, _, done) => (lines.push(String(chunk)), done()) }));
    const retriever = await openRetriever(config, logger);
    const index = new LiveIndex(retriever, config.INDEX_DIR, logger);
    const before = await index.current.ask("why was the coastal road closed");
    expect(before.results.some((quote) => quote.quote.includes("storm"))).toBe(false);
    const poller = new FeedPoller(config, index, logger);
    const report = await poller.pull();
    expect(report?.added).toEqual(["web/coast-gazette/2026-03-04-storm-closes-the-coastal-road.md"]);
    const after = await index.current.ask("why was the coastal road closed");
    expect(after.answered).toBe(true);
    expect(after.results[0]!.quote).toMatch(/storm closed the coastal road/);
    expect(after.results[0]!.source).toMatchObject({ title: "Storm closes the coastal road", outlet: "Coast Gazette", published: "2026-03-04" });
    expect(lines.join("")).toMatch(/serving the new index/);
    // The next poll finds the feed unchanged and builds nothing.
    const again = await poller.pull();
    expect(again?.added).toEqual([]);
    await poller.stop();
    index.close();
  });

  it("pulls each server's own feeds into its folder within its quota, answerable in that server only", { timeout: 120_000 }, async () => {
    const root = await tempDir();
    const guild = "880000000000000001";
    const config = testConfig({ CORPUS_DIR: await copyOfTreatyCorpus(), INDEX_DIR: join(root, "index"), FEED_STATE_FILE: join(root, "data", "feeds.json"), FEEDS_POLL_MINUTES: "60", FETCH_ALLOW_PRIVATE_NETWORK: "true", SERVER_MAX_ARTICLES: "1" });
    // The server's admins added the Atom feed with /add (its list, beside FEED_STATE_FILE).
    await mkdir(join(root, "data", "servers", guild), { recursive: true });
    await writeFile(join(root, "data", "servers", guild, "feeds.json"), JSON.stringify({ feeds: [{ url: `${server.base}/atom.xml`, title: "Coast Gazette (Atom)", added: "2026-03-01T00:00:00Z" }] }));
    const lines: string[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk, _, done) => (lines.push(String(chunk)), done()) }));
    const index = new LiveIndex(await openRetriever(config, logger), config.INDEX_DIR, logger);
    const poller = new FeedPoller(config, index, logger);
    expect(poller.enabled).toBe(true);
    const report = await poller.pull();
    expect(report?.added).toEqual([`servers/${guild}/web/coast-gazette/2026-03-04-storm-closes-the-coastal-road.md`]);
    const inServer = await index.current.ask("why was the coastal road closed", { scope: { guildId: guild } });
    expect(inServer.results[0]!.quote).toMatch(/storm closed the coastal road/);
    const elsewhere = await index.current.ask("why was the coastal road closed", { scope: { guildId: "880000000000000002" } });
    expect(elsewhere.results.some((quote) => quote.quote.includes("storm"))).toBe(false);
    // The server is at its quota (1 article): the next poll fetches nothing for it, and says why.
    await poller.pull();
    expect(lines.join("")).toMatch(/a server's feeds are not pulled: this server already has 1 articles of its own/);
    await poller.stop();
    await index.close();
  });

  it("leaves a feed's slow items for the next poll at the pull's deadline, and logs them, instead of holding the lock for minutes", async () => {
    const root = await tempDir();
    const config = testConfig({ CORPUS_DIR: join(root, "corpus"), FEED_STATE_FILE: join(root, "feeds.json"), FEEDS: `${server.base}/slow-feed.xml`, FEEDS_POLL_MINUTES: "60", FETCH_ALLOW_PRIVATE_NETWORK: "true" });
    const lines: string[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk, _, done) => (lines.push(String(chunk)), done()) }));
    // Nothing is added in time, so the index is never touched: no model or index is loaded for it.
    const poller = new FeedPoller(config, undefined as never, logger, 1_000);
    const report = await poller.pull();
    expect(report).toMatchObject({ added: [], failures: 0, deferred: 3 });
    const logged = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(logged).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringMatching(/slow-feed\.xml .*3 left for the next pull/) }));
  });
});
