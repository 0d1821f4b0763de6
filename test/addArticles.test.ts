import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addArticles, describeAdd, type AddOptions } from "../src/corpus/addArticles.js";
import { articleFileText, articlePlace, cutAtWord } from "../src/corpus/articleFile.js";
import { resourceKind } from "../src/corpus/feed.js";
import { fetchText, forbiddenAddress } from "../src/corpus/fetch.js";
import { parseArticleFile } from "../src/corpus/frontMatter.js";
import { readCorpus } from "../src/corpus/loadCorpus.js";
import { startFeedServer, type FeedServer } from "./feedServer.js";
import { tempDir } from "./helpers.js";

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

async function options(extra: Partial<AddOptions> = {}): Promise<AddOptions> {
  const dir = await tempDir("verbatim-add-");
  return { corpusDir: join(dir, "corpus"), stateFile: join(dir, "data", "feeds.json"), allowPrivateNetwork: true, ...extra };
}

async function corpusFiles(corpusDir: string): Promise<string[]> {
  return (await readdir(corpusDir, { recursive: true })).filter((name) => name.endsWith(".md")).sort();
}

describe("npm run add: feeds", () => {
  it("adds each item of an RSS 2.0 feed with front matter from the feed and the page", async () => {
    const opts = await options();
    const report = await addArticles([`${server.base}/rss.xml`], opts);
    expect(report.failures).toBe(0);
    expect(report.added).toEqual(["web/coast-gazette/2026-02-28-city-library-reopens-after-renovation.md", "web/coast-gazette/2026-03-02-harbour-deal-signed-after-long-talks.md"].sort().reverse());
    const text = await readFile(join(opts.corpusDir, report.added.find((f) => f.includes("harbour"))!), "utf8");
    const parsed = parseArticleFile("x.md", text);
    expect(parsed.source).toEqual({ id: "coast-gazette-2026-03-02-harbour-deal-signed-after-long-talks", title: "Harbour deal signed after long talks", outlet: "Coast Gazette", published: "2026-03-02", url: `${server.base}/articles/harbour.html` });
    // Readability leaves out the headline that repeats the title, and the page's navigation and footer.
    expect(parsed.body).toBe("The port authority signed a ten-year contract with a shipping group on Monday, ending months of talks.\n\nUnder the deal the group will invest 40 million euros in two new cranes and a deeper berth.\n\nDock workers' unions said they had been promised that no jobs would be cut during the contract.\n");
    // What was saved is what the corpus reader indexes.
    const { articles, errors } = await readCorpus(opts.corpusDir);
    expect(errors).toEqual([]);
    expect(articles.map((a) => a.id).sort()).toEqual(["coast-gazette-2026-02-28-city-library-reopens-after-renovation", "coast-gazette-2026-03-02-harbour-deal-signed-after-long-talks"]);
  });

  it("asks an unchanged feed with its validators and adds nothing twice; a new item is added alone", async () => {
    const opts = await options();
    await addArticles([`${server.base}/rss.xml`], opts);
    const before = server.requests.length;
    const again = await addArticles([`${server.base}/rss.xml`], opts);
    expect(again.outcomes).toEqual([{ url: `${server.base}/rss.xml`, kind: "feed", status: "unchanged" }]);
    expect(server.requests.slice(before)).toEqual([{ path: "/rss.xml", conditional: true }]);
    server.publishStorm();
    const later = await addArticles([`${server.base}/rss.xml`], opts);
    expect(later.added).toEqual(["web/coast-gazette/2026-03-04-storm-closes-the-coastal-road.md"]);
    expect(describeAdd(later)[0]).toMatch(/: 1 added, 2 already in the corpus, 0 failed$/);
    // The state lost: the feed is read whole again, and still nothing is added twice.
    await writeFile(opts.stateFile, "not json");
    const lost = await addArticles([`${server.base}/rss.xml`], opts);
    expect(lost.added).toEqual([]);
    expect(await corpusFiles(opts.corpusDir)).toHaveLength(3);
  });

  it("reads an Atom feed, resolving its relative links", async () => {
    const opts = await options();
    const report = await addArticles([`${server.base}/atom.xml`], opts);
    expect(report.added).toEqual(["web/coast-gazette/2026-03-04-storm-closes-the-coastal-road.md"]);
  });

  it("tells a feed from a page by its content, not its Content-Type", async () => {
    const opts = await options();
    const report = await addArticles([`${server.base}/feed-as-text.xml`], opts);
    expect(report.added).toHaveLength(1);
    expect(resourceKind("text/html", "<?xml version='1.0'?>\n<rss version='2.0'><channel></channel></rss>")).toBe("feed");
    expect(resourceKind("application/xml", "<!DOCTYPE html><html><body>x</body></html>")).toBe("page");
    expect(resourceKind("application/json", '{"items": []}')).toBe("other");
  });
});

describe("npm run add: pages, and what goes wrong", () => {
  it("adds an article page once: by its address, after a redirect, and by its text under another address", async () => {
    const opts = await options();
    const first = await addArticles([`${server.base}/articles/library.html`], opts);
    expect(first.outcomes[0]).toMatchObject({ status: "added", title: "City library reopens after renovation" });
    const again = await addArticles([`${server.base}/articles/library.html`, `${server.base}/articles/copy-of-library.html`], opts);
    expect(again.outcomes.map((o) => o.status)).toEqual(["known", "known"]);
    expect(describeAdd(again)[1]).toMatch(/not added .*copy-of-library\.html: same text as web\/coast-gazette\/undated-city-library-reopens-after-renovation\.md/);
    const moved = await addArticles([`${server.base}/moved`], opts);
    expect(moved.outcomes[0]).toMatchObject({ status: "added" });
    const movedAgain = await addArticles([`${server.base}/moved`], opts);
    expect(movedAgain.outcomes[0]).toMatchObject({ status: "known" });
  });

  it.each([
    ["a broken feed", "/broken.xml", /is not a readable feed/],
    ["a 404", "/missing.html", /answered 404 \(not found\)/],
    ["a redirect loop", "/loop-a", /redirects more than 5 times/],
    ["a redirect to a file", "/to-file", /uses file: only http and https/],
    ["a huge page", "/huge.html", /larger than 5 MB/],
    ["a picture", "/picture.png", /neither a feed nor a web page \(image\/png\)/],
    ["a page with no article", "/articles/empty.html", /no article text found/],
  ])("names %s with what went wrong, and adds nothing", async (_, path, reason) => {
    const opts = await options();
    const report = await addArticles([`${server.base}${path}`], opts);
    expect(report.failures).toBe(1);
    expect(report.outcomes[0]).toMatchObject({ status: "failed", reason: expect.stringMatching(reason) });
    expect(report.added).toEqual([]);
  });

  it("gives up on a slow server after the time allowed", async () => {
    const opts = await options({ timeoutMs: 500 });
    const report = await addArticles([`${server.base}/slow`], opts);
    expect(report.outcomes[0]).toMatchObject({ status: "failed", reason: "it took longer than 0.5 s" });
  });

  it("leaves what it has not fetched by the pull's deadline for the next pull, without counting it failed", async () => {
    const opts = await options({ deadlineMs: 1_000 });
    const report = await addArticles([`${server.base}/slow-feed.xml`, `${server.base}/articles/harbour.html`], opts);
    expect(report.outcomes[0]).toMatchObject({ status: "checked", added: [], failed: [], deferred: 3 });
    expect(report.outcomes[1]).toEqual({ url: `${server.base}/articles/harbour.html`, status: "deferred" });
    expect(report).toMatchObject({ failures: 0, deferred: 4, added: [] });
    expect(describeAdd(report)).toEqual([
      `feed ${server.base}/slow-feed.xml (Coast Gazette): 0 added, 0 already in the corpus, 0 failed, 3 left for the next pull (the pull's time ran out)`,
      `left for the next pull ${server.base}/articles/harbour.html: the pull's time ran out before it was fetched`,
    ]);
    // No validators kept: the next pull asks for the whole feed again and fetches the items left.
    expect(JSON.parse(await readFile(opts.stateFile, "utf8")).feeds).toEqual({});
  });

  it("goes on after a bad address, adding the good ones", async () => {
    const opts = await options();
    const report = await addArticles(["not a url", `${server.base}/missing.html`, `${server.base}/articles/harbour.html`], opts);
    expect(report.outcomes.map((o) => o.status)).toEqual(["failed", "failed", "added"]);
    expect(describeAdd(report)[0]).toBe("failed not a url: is not a URL: give the full address, starting with https://");
  });
});

describe("fetching safely", () => {
  it("refuses loopback, private and link-local addresses unless allowed", async () => {
    await expect(fetchText(`${server.base}/articles/harbour.html`, { allowPrivateNetwork: false })).rejects.toThrow(/127\.0\.0\.1 is a loopback address; set FETCH_ALLOW_PRIVATE_NETWORK=true/);
    await expect(fetchText(`http://localhost:1/`, { allowPrivateNetwork: false })).rejects.toThrow(/localhost/);
    await expect(fetchText(`http://[::1]:1/`, { allowPrivateNetwork: false })).rejects.toThrow(/loopback/);
    const ok = await fetchText(`${server.base}/articles/harbour.html`, { allowPrivateNetwork: true });
    expect(ok.status).toBe("ok");
  });

  it("refuses a redirect from a public address into the private network", async () => {
    // The redirect target is checked at every hop; with private addresses refused, 127.0.0.1 is refused wherever it appears.
    await expect(fetchText(`${server.base}/moved`, { allowPrivateNetwork: false })).rejects.toThrow(/loopback/);
  });

  it.each([
    ["10.1.2.3", "private"],
    ["192.168.0.10", "private"],
    ["169.254.169.254", "linkLocal"],
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["fd00::1", "uniqueLocal"],
    ["::ffff:127.0.0.1", "loopback"],
    ["0.0.0.0", "unspecified"],
  ])("classes %s as %s", (address, range) => {
    expect(forbiddenAddress(address)).toBe(`${address} is a ${range} address`);
  });

  it("lets public addresses through", () => {
    expect(forbiddenAddress("93.184.215.14")).toBeUndefined();
    expect(forbiddenAddress("2606:2800:21f:cb07:6820:80da:af6b:8b2c")).toBeUndefined();
  });

  it("sends a User-Agent that names the bot", async () => {
    const seen: string[] = [];
    const { createServer } = await import("node:http");
    const probe = createServer((req, res) => (seen.push(String(req.headers["user-agent"])), res.end("<html><body></body></html>")));
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    await fetchText(`http://127.0.0.1:${(probe.address() as { port: number }).port}/`, { allowPrivateNetwork: true });
    await new Promise((resolve) => probe.close(resolve));
    expect(seen[0]).toMatch(/^Verbatim\/.*Discord bot/);
  });
});

describe("the saved article file", () => {
  it("places an article by outlet, date and title, and writes front matter the corpus reader accepts for hostile fields", () => {
    const article = { title: 'He said: "no" — #1 ---\nnew line', outlet: "Le Monde: Économie", published: "", url: "https://example.org/a?b=1#c", body: "Text.\n\n---\n\nMore text." };
    const place = articlePlace(article, "web");
    expect(place).toEqual({ id: "le-monde-economie-undated-he-said-no-1-new-line", file: "web/le-monde-economie/undated-he-said-no-1-new-line.md" });
    const parsed = parseArticleFile(place.file, articleFileText(place.id, article));
    expect(parsed.source).toEqual({ id: place.id, title: 'He said: "no" — #1 --- new line', outlet: "Le Monde: Économie", published: "", url: "https://example.org/a?b=1#c" });
    expect(parsed.body).toBe("Text.\n\n---\n\nMore text.\n");
  });

  it("cuts a long title's file name and id after a whole word, never inside one", () => {
    const article = { title: "Strengthening Alliances: A New Era for Russia and Iran in Central Asia", outlet: "The International Herald Tribune", published: "2025-01-17", url: "https://example.org/a", body: "Text." };
    expect(articlePlace(article, "web")).toEqual({
      id: "the-international-herald-2025-01-17-strengthening-alliances-a",
      file: "web/the-international-herald/2025-01-17-strengthening-alliances-a-new-era-for.md",
    });
    expect(cutAtWord("supercalifragilistic-words", 10)).toBe("supercalif");
    expect(cutAtWord("new-era-for-russia", 14)).toBe("new-era-for");
    expect(cutAtWord("new-era-for-russia", 11)).toBe("new-era-for");
    expect(cutAtWord("new-era", 20)).toBe("new-era");
  });
});
