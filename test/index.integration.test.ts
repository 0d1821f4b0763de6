import { spawn } from "node:child_process";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildConfiguredIndex, embedderOptions } from "../src/app/open.js";
import { PROJECT_ROOT } from "../src/config.js";
import { loadEmbedder, type Embedder } from "../src/embeddings/embedder.js";
import { readCorpus } from "../src/corpus/loadCorpus.js";
import { CorpusInvalidError, CorpusSkipsRefusedError, summarize } from "../src/index/build.js";
import { buildPath, readPointer } from "../src/index/layout.js";
import { IndexCorruptError, loadIndex } from "../src/index/snapshot.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { copyOfTreatyCorpus, tempDir, testConfig } from "./helpers.js";

const MUTUAL_DEFENCE = "does the treaty include mutual defence";
const QUESTIONS = [MUTUAL_DEFENCE, "who signed the treaty", "how long will the agreement last", "drones used in Ukraine", "nuclear power plant", "sanctions", "what did Peskov say"];

let embedder: Embedder;
beforeAll(async () => {
  embedder = await loadEmbedder(embedderOptions(testConfig({})));
});

async function setup() {
  const corpusDir = await copyOfTreatyCorpus();
  const indexDir = await tempDir("verbatim-index-");
  const config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir });
  return { corpusDir, indexDir, config };
}

async function answersOf(indexDir: string) {
  const retriever = new Retriever(await loadIndex(indexDir), embedder);
  return Promise.all(QUESTIONS.map((question) => retriever.ask(question)));
}

describe("index build and retrieval on the treaty articles", () => {
  it("answers the mutual-defence question first with the passage saying there is no such clause", async () => {
    const { indexDir, config } = await setup();
    const report = await buildConfiguredIndex(config, { embedder });
    expect(report.added).toHaveLength(6);
    const answer = await new Retriever(await loadIndex(indexDir), embedder).ask(MUTUAL_DEFENCE);
    expect(answer.answered).toBe(true);
    expect(answer.results[0]!.quote).toMatch(/not expected to include a mutual defense clause|will not assist the aggressor/);
  });

  it("only ever quotes verbatim slices of the article named", async () => {
    const { indexDir, config } = await setup();
    await buildConfiguredIndex(config, { embedder });
    const snapshot = await loadIndex(indexDir);
    // The stored bodies are the corpus files' bodies, code unit for code unit.
    const { articles } = await readCorpus(config.CORPUS_DIR);
    for (const article of articles) expect(snapshot.articles.get(article.id)!.body).toBe(article.body);
    const retriever = new Retriever(snapshot, embedder);
    for (const question of [...QUESTIONS, "How tall is Mount Everest?", "x"]) {
      const answer = await retriever.ask(question, { limit: 10 });
      for (const result of answer.results) {
        const article = snapshot.articles.get(result.source.id)!;
        expect(article.body.slice(result.start, result.end)).toBe(result.quote);
        expect(result.source.title).toBe(article.title);
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(1);
      }
    }
  });

  it("re-embeds nothing when nothing changed", async () => {
    const { config } = await setup();
    const first = await buildConfiguredIndex(config, { embedder });
    const again = await buildConfiguredIndex(config, { embedder });
    expect(again).toMatchObject({ rebuilt: false, embedded: 0, buildId: first.buildId, unchanged: first.added });
  });

  it("re-embeds a changed article alone and drops a removed one", async () => {
    const { corpusDir, indexDir, config } = await setup();
    await buildConfiguredIndex(config, { embedder });
    const file = join(corpusDir, "voa-iranian-president-in-moscow.md");
    await writeFile(file, (await readFile(file, "utf8")).replace("Ahead of the talks, the Kremlin hailed its ever closer ties with Tehran.", "Ahead of the talks, the Kremlin praised its close ties with Tehran."));
    const { rm } = await import("node:fs/promises");
    await rm(join(corpusDir, "forge-strategic-partnership.md"));
    const report = await buildConfiguredIndex(config, { embedder });
    const snapshot = await loadIndex(indexDir);
    expect(report.changed).toEqual(["voa-iranian-president-in-moscow"]);
    expect(report.removed).toEqual(["forge-strategic-partnership"]);
    expect(report.embedded).toBe(snapshot.manifest.articles["voa-iranian-president-in-moscow"]!.passages);
    expect(snapshot.articles.has("forge-strategic-partnership")).toBe(false);
    const answer = await new Retriever(snapshot, embedder).ask("how did the Kremlin describe its ties with Tehran");
    expect(answer.results.some((result) => result.quote.includes("praised its close ties"))).toBe(true);
  });

  it("refuses a bad corpus file by name and leaves the previous index in use", async () => {
    const { corpusDir, indexDir, config } = await setup();
    const first = await buildConfiguredIndex(config, { embedder });
    await writeFile(join(corpusDir, "broken.md"), "---\nid: broken\ntitle: Never closed\n\nText.");
    await expect(buildConfiguredIndex(config, { embedder })).rejects.toThrow(CorpusInvalidError);
    await expect(buildConfiguredIndex(config, { embedder })).rejects.toThrow(/broken\.md: front matter is not closed/);
    expect(await readPointer(indexDir)).toBe(first.buildId);
    expect((await answersOf(indexDir))[0]!.results.length).toBeGreaterThan(0);
  });

  it("quotes a saved web page from its extracted text, and says so", async () => {
    const { corpusDir, indexDir, config } = await setup();
    await writeFile(
      join(corpusDir, "library.html"),
      `<html><head><title>Library reopens | City News</title><meta property="og:site_name" content="City News"><meta property="article:published_time" content="2026-03-07T08:00:00Z"></head><body><nav>Home | Sport</nav><article><h1>Library reopens</h1><p>The city library reopened on Saturday after a renovation that cost four million euros.</p><p>Visitors queued for an hour before the doors opened.</p></article><footer>All rights reserved.</footer></body></html>`,
    );
    await buildConfiguredIndex(config, { embedder });
    const snapshot = await loadIndex(indexDir);
    const answer = await new Retriever(snapshot, embedder).ask("how much did the library renovation cost");
    const top = answer.results[0]!;
    expect(top.source).toMatchObject({ id: "library", outlet: "City News", published: "2026-03-07" });
    expect(top.offsetsIn).toBe("extracted-text");
    expect(top.quote).toContain("four million euros");
    expect(snapshot.articles.get("library")!.body.slice(top.start, top.end)).toBe(top.quote);
  });

  it("names every file it leaves out and why, and refuses them all with --strict", async () => {
    const { corpusDir, indexDir, config } = await setup();
    const first = await buildConfiguredIndex(config, { embedder });
    await writeFile(join(corpusDir, "pasted.md"), "---\ntitle: Pasted page\n---\n<div class=\"story\"><p>The port signed a ten-year contract on Monday.</p></div>\n");
    await writeFile(join(corpusDir, "photo.jpg"), "not an article");
    // A picture renamed .md: skipped like the others, not fatal.
    await writeFile(join(corpusDir, "scan.md"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
    const strict = await buildConfiguredIndex(config, { embedder, strict: true }).catch((error: unknown) => error as Error);
    expect(strict).toBeInstanceOf(CorpusSkipsRefusedError);
    expect((strict as Error).message).toMatch(/3 files are not indexable and --strict was given[\s\S]*pasted\.md: no quotable sentence[\s\S]*photo\.jpg: unsupported type[\s\S]*scan\.md: looks like a PNG image/);
    expect(await readPointer(indexDir)).toBe(first.buildId);
    const report = await buildConfiguredIndex(config, { embedder });
    expect(report.skipped.map((skip) => skip.file)).toEqual(["pasted.md", "photo.jpg", "scan.md"]);
    expect(summarize(report)).toMatch(/0 added, 0 changed, 0 removed, 6 unchanged, 3 skipped$/);
    expect(report.passages).toBe(first.passages);
  });

  it("names the fix for damaged vectors, and `npm run index` repairs them", async () => {
    const { indexDir, config } = await setup();
    const first = await buildConfiguredIndex(config, { embedder });
    await writeFile(join(buildPath(indexDir, first.buildId), "vectors.f32"), "not vectors");
    const error = await loadIndex(indexDir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IndexCorruptError);
    expect((error as Error).message).toMatch(/vectors\.f32.*rebuild it with `npm run index`/);
    const repair = await buildConfiguredIndex(config, { embedder });
    expect(repair.rebuilt).toBe(true);
    expect(repair.fullRebuildReason).toMatch(/damaged/);
    expect((await answersOf(indexDir))[0]!.answered).toBe(true);
  });

  it("writes vectra's index.json with the same vectors, and repairs it when damaged", async () => {
    const { indexDir, config } = await setup();
    const first = await buildConfiguredIndex(config, { embedder });
    const snapshot = await loadIndex(indexDir);
    const { LocalIndex } = await import("vectra");
    const store = new LocalIndex(join(buildPath(indexDir, first.buildId), "vectors"));
    const items = await store.listItems();
    expect(items.map((item) => item.id)).toEqual(snapshot.passages.map((passage) => passage.id));
    items.forEach((item, i) => item.vector.forEach((x, d) => expect(x).toBeCloseTo(snapshot.matrix.data[i * snapshot.dimensions + d]!, 5)));
    const [top] = await store.queryItems(Array.from(snapshot.matrix.data.subarray(0, snapshot.dimensions)), "", 1);
    expect(top!.score).toBeCloseTo(1, 4);
    await writeFile(join(buildPath(indexDir, first.buildId), "vectors", "index.json"), '{"version":1,"items":[{"id":');
    const repair = await buildConfiguredIndex(config, { embedder });
    expect(repair.fullRebuildReason).toMatch(/damaged \(vectors\/index\.json\)/);
  });

  it("rebuilds everything when the passage settings or model change", async () => {
    const { config } = await setup();
    await buildConfiguredIndex(config, { embedder });
    const forced = await buildConfiguredIndex(config, { embedder, force: true });
    expect(forced.rebuilt).toBe(true);
    expect(forced.embedded).toBe(forced.passages);
  });
});

/** Runs `npm run index`'s script in a child process on the given folders. */
function indexProcess(corpusDir: string, indexDir: string) {
  return spawn(process.execPath, ["--import", "tsx", "src/cli/index.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: "silent" },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

/** Copies of the corpus added so that a build lasts long enough to be killed at chosen points. */
const COPIES = 50;

describe("a build killed midway", () => {
  it("leaves the previous index answering exactly as before, and the next build succeeds", async () => {
    const { corpusDir, indexDir, config } = await setup();
    await buildConfiguredIndex(config, { embedder });
    const before = await answersOf(indexDir);
    const pointer = await readPointer(indexDir);
    // Enough new articles that the build takes a while: copies under new ids, each with a line of
    // its own (the same text twice would be skipped as a duplicate).
    const names = (await readdir(corpusDir)).filter((name) => name.endsWith(".md"));
    for (let copy = 0; copy < COPIES; copy++) {
      for (const name of names) {
        const text = await readFile(join(corpusDir, name), "utf8");
        await writeFile(join(corpusDir, `copy${copy}-${name}`), `${text.replace(/^id: (.*)$/m, `id: copy${copy}-$1`)}\n\nThis is copy number ${copy + 1} of the article.\n`);
      }
    }
    // Kill while embedding (after the first progress line) and while writing (after the last).
    const killPoints: [string, number][] = [["embedding: 0/", 0], ["embedding: 0/", 300], ["(100%)", 0], ["(100%)", 150]];
    for (const [progressLine, delay] of killPoints) {
      const child = indexProcess(corpusDir, indexDir);
      let stderr = "";
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
        child.stderr!.on("data", (chunk: Buffer) => {
          const before = stderr;
          stderr += chunk.toString();
          if (!before.includes(progressLine) && stderr.includes(progressLine)) setTimeout(() => child.kill("SIGKILL"), delay);
        });
        child.on("exit", (_, signal) => resolve(signal));
      });
      expect(signal, `the build finished before it could be killed: ${stderr}`).toBe("SIGKILL");
      expect(await readPointer(indexDir)).toBe(pointer);
      expect(await answersOf(indexDir)).toEqual(before);
    }
    const report = await buildConfiguredIndex(config, { embedder });
    expect(report.added).toHaveLength(names.length * COPIES);
    expect(await readPointer(indexDir)).not.toBe(pointer);
  });
});
