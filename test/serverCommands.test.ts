/** The pure pieces of the Discord side of scopes: a message as a question, the filter line, and a server's articles and feeds on a real temp folder. */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QuotaReachedError, ServerArticles } from "../src/app/serverArticles.js";
import { questionFromMessage } from "../src/bot/findQuotes.js";
import { MAX_QUESTION_LENGTH } from "../src/retrieval/answer.js";
import { filterLine, filterOfMessage, withFilterLine } from "../src/reply/filterLine.js";
import { isInert } from "../src/reply/markdown.js";
import { startFeedServer, type FeedServer } from "./feedServer.js";
import { tempDir } from "./helpers.js";
import { HOSTILE_TEXT } from "./hostileText.js";

const GUILD = "880000000000000001";

describe("questionFromMessage", () => {
  it("keeps a message's words without mentions, custom emoji, timestamps and links", () => {
    expect(questionFromMessage("<@222222222222222222> <@&5> <#44> did <:pepe:123456> the treaty <t:1700000000:R> include https://x.example/a?b=c mutual defence?")).toEqual({ question: "did the treaty include mutual defence?", cut: false, length: 38 });
  });

  it("finds nothing to ask in an empty message, one of only mentions, links and emoji, or of punctuation", () => {
    for (const content of ["", "   ", "<@1> <a:dance:2> https://example.com", "?!… —", "\u202E"]) expect(questionFromMessage(content).question).toBeUndefined();
  });

  it("cuts a long message at a word within the question's limit, and says how long it was", () => {
    const long = `${"word ".repeat(100)}end`;
    const found = questionFromMessage(long);
    expect(found).toMatchObject({ cut: true, length: long.length });
    expect(found.question!.length).toBeLessThanOrEqual(MAX_QUESTION_LENGTH);
    expect(found.question!.endsWith("word")).toBe(true);
    // One endless word is cut hard, never inside an emoji's surrogate pair.
    const emoji = questionFromMessage(`a${"😀".repeat(400)}`);
    expect(emoji.question!.length).toBeLessThanOrEqual(MAX_QUESTION_LENGTH);
    expect(emoji.question!).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it("gives any hostile message a question within the limit, or none", () => {
    fc.assert(
      fc.property(HOSTILE_TEXT, (content) => {
        const found = questionFromMessage(content);
        if (found.question === undefined) return;
        expect(found.question.length).toBeLessThanOrEqual(MAX_QUESTION_LENGTH);
        expect(found.question).not.toMatch(/<@|https?:\/\//);
        expect(found.question.trim()).toBe(found.question);
      }),
    );
  });
});

describe("the filter line", () => {
  it("reads back the filter it shows, under the question, with an inert outlet", () => {
    const filter = { outlets: ["**Bold** @everyone <@1> News"], since: "2025-01-01", until: "2025-01-31" };
    const content = withFilterLine("**Q:** who signed\nQuotes 5–8:", filter);
    const [question, line, rest] = content.split("\n");
    expect(question).toBe("**Q:** who signed");
    expect(isInert(line!.slice("**Only:** ".length))).toBe(true);
    expect(rest).toBe("Quotes 5–8:");
    expect(filterOfMessage(content)).toEqual(filter);
  });

  it("adds nothing for no filter, and reads no filter from a message without one", () => {
    expect(filterLine({})).toBeUndefined();
    expect(withFilterLine("**Q:** who\nheadline", {})).toBe("**Q:** who\nheadline");
    expect(filterOfMessage("**Q:** who\nNothing in the articles answers this")).toEqual({});
    // A forged line is read as a filter, never as anything else: dates must be ISO days.
    expect(filterOfMessage("**Q:** who\n**Only:** since 2025-13 · until ../../etc · colour red")).toEqual({});
  });

  it("round-trips any outlet without the separator", () => {
    fc.assert(
      fc.property(HOSTILE_TEXT.filter((text) => !text.includes("·")), (outlet) => {
        // As shown: white space folded, bidi controls dropped (escapeMarkdown drops them).
        const shown = outlet.replace(/\s+/g, " ").trim().replace(/[\u202A-\u202E\u2066-\u2069]/g, "");
        fc.pre(shown !== "" && shown.trim() === shown);
        const read = filterOfMessage(withFilterLine("**Q:** q", { outlets: [outlet] }));
        expect(read.outlets).toEqual([shown]);
      }),
    );
  });
});

describe("a server's articles and feeds", () => {
  let server: FeedServer;
  beforeAll(async () => {
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server.close();
  });

  async function store(limits = { maxArticles: 10, maxBytes: 1_000_000 }): Promise<{ servers: ServerArticles; root: string }> {
    const root = await tempDir("verbatim-servers-");
    return { root, servers: new ServerArticles({ corpusDir: join(root, "corpus"), dataDir: join(root, "data", "servers"), allowPrivateNetwork: true, limits }) };
  }

  it("saves a page under the server's folder and a feed in its list, outside the corpus", { timeout: 60_000 }, async () => {
    const { servers, root } = await store();
    const page = await servers.add(GUILD, [`${server.base}/articles/storm.html`]);
    expect(page.report.added).toEqual(["web/coast-gazette/2026-03-04-storm-closes-the-coastal-road.md"]);
    expect(await readFile(join(root, "corpus", "servers", GUILD, page.report.added[0]!), "utf8")).toMatch(/^---\nid: coast-gazette-2026-03-04-storm/);
    expect(page.feed).toBeUndefined();
    const feed = await servers.add(GUILD, [`${server.base}/rss.xml`]);
    expect(feed.feed).toMatchObject({ url: `${server.base}/rss.xml`, title: "Coast Gazette" });
    expect(feed.usage.articles).toBe(3);
    expect(await servers.feeds(GUILD)).toHaveLength(1);
    expect(await servers.serversWithFeeds()).toEqual([GUILD]);
    expect(JSON.parse(await readFile(join(root, "data", "servers", GUILD, "feeds.json"), "utf8")).feeds[0].url).toBe(`${server.base}/rss.xml`);
    expect(await servers.removeFeed(GUILD, `${server.base}/rss.xml`)).toBe(true);
    expect(await servers.removeFeed(GUILD, `${server.base}/rss.xml`)).toBe(false);
    expect(await servers.serversWithFeeds()).toEqual([]);
  });

  it("keeps a feed's items within the quota, and refuses an add once it is reached without fetching", { timeout: 60_000 }, async () => {
    const { servers } = await store({ maxArticles: 1, maxBytes: 1_000_000 });
    const feed = await servers.add(GUILD, [`${server.base}/rss.xml`]);
    expect(feed.report.added).toHaveLength(1);
    expect(feed.overQuota).toEqual({ files: [expect.stringMatching(/^web\//)], problem: "this server already has 1 articles of its own, the most it may have (1)" });
    expect(feed.usage).toMatchObject({ articles: 1 });
    const before = server.requests.length;
    await expect(servers.add(GUILD, [`${server.base}/articles/storm.html`])).rejects.toBeInstanceOf(QuotaReachedError);
    expect(server.requests.length).toBe(before);
  });

  it("counts bytes against the quota too", { timeout: 60_000 }, async () => {
    const { servers } = await store({ maxArticles: 100, maxBytes: 100 });
    const page = await servers.add(GUILD, [`${server.base}/articles/storm.html`]);
    expect(page.report.added).toEqual([]);
    expect(page.overQuota?.problem).toMatch(/more than the 1 kB it may have/);
  });

  it("refuses anything but a guild id as a folder name", async () => {
    const { servers, root } = await store();
    await mkdir(join(root, "data", "servers", "not-a-guild"), { recursive: true });
    await writeFile(join(root, "data", "servers", "not-a-guild", "feeds.json"), JSON.stringify({ feeds: [{ url: "http://x", title: "", added: "" }] }));
    expect(await servers.serversWithFeeds()).toEqual([]);
    await expect(servers.add("../../etc", ["http://x"])).rejects.toThrow(/is not a guild id/);
  });
});
