/**
 * A damaged build is never quoted from: every file of an index, deleted, truncated, with one byte
 * flipped or zeroed, is either refused with a message naming `npm run index`, or gives exactly the
 * same answers (files the bot never reads). Never different answers.
 */
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConfiguredIndex, embedderOptions } from "../src/app/open.js";
import { LiveIndex } from "../src/app/liveIndex.js";
import { PROJECT_ROOT } from "../src/config.js";
import { loadEmbedder, type Embedder } from "../src/embeddings/embedder.js";
import { buildPath, readPointer } from "../src/index/layout.js";
import { IndexCorruptError, IndexMissingError, loadIndex } from "../src/index/snapshot.js";
import { createLogger } from "../src/log.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { FIXTURE_QUESTIONS, writeFixtureCorpus } from "./fixtures/articles.js";
import { tempDir, testConfig } from "./helpers.js";

let embedder: Embedder;
let corpusDir: string;
let pristine: string;
let expected: unknown[];

async function answersOf(indexDir: string): Promise<unknown[]> {
  const retriever = new Retriever(await loadIndex(indexDir), embedder);
  return Promise.all(FIXTURE_QUESTIONS.map((question) => retriever.ask(question, { limit: 10 })));
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name))).sort();
}

/** The four damages: what each does to a file. */
const DAMAGES: Record<string, (path: string) => Promise<void>> = {
  delete: (path) => rm(path),
  truncate: async (path) => truncate(path, Math.floor((await stat(path)).size / 2)),
  "flip a byte": async (path) => {
    const bytes = await readFile(path);
    if (bytes.length === 0) return;
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    await writeFile(path, bytes);
  },
  zero: async (path) => writeFile(path, Buffer.alloc((await stat(path)).size)),
};

let shared: string;
beforeAll(async () => {
  embedder = await loadEmbedder(embedderOptions(testConfig({})));
  // Made here, not with tempDir (emptied after each test): every test starts from this index.
  shared = await mkdtemp(join(tmpdir(), "verbatim-integrity-"));
  corpusDir = join(shared, "corpus");
  await writeFixtureCorpus(corpusDir);
  pristine = join(shared, "index");
  await buildConfiguredIndex(testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: pristine }), { embedder });
  expected = await answersOf(pristine);
});

afterAll(async () => {
  await rm(shared, { recursive: true, force: true });
});

describe("a damaged index", () => {
  it("is refused with a message naming `npm run index`, or answers exactly as before: every file × every damage", async () => {
    const files = await filesUnder(pristine);
    expect(files).toContain("current");
    expect(files.some((file) => file.endsWith("bodies.utf16"))).toBe(true);
    const outcomes: string[] = [];
    for (const file of files) {
      for (const [damage, apply] of Object.entries(DAMAGES)) {
        const copy = await tempDir("verbatim-damaged-");
        await cp(pristine, copy, { recursive: true });
        await apply(join(copy, file));
        let answers: unknown[] | undefined;
        try {
          answers = await answersOf(copy);
        } catch (error) {
          expect(error, `${file} × ${damage}`).toSatisfy((e) => e instanceof IndexCorruptError || e instanceof IndexMissingError);
          expect((error as Error).message).toMatch(/npm run index/);
          outcomes.push(`${file} × ${damage}: refused`);
          continue;
        }
        expect(answers, `${file} × ${damage} gave different answers`).toEqual(expected);
        outcomes.push(`${file} × ${damage}: same answers`);
      }
    }
    // Every file the bot reads is refused under every damage; only vectra's copy of the vectors
    // (which the bot never reads) may be damaged without effect.
    const unaffected = outcomes.filter((outcome) => outcome.endsWith("same answers"));
    expect(unaffected.every((outcome) => outcome.includes("vectors/index.json")), unaffected.join("\n")).toBe(true);
  });

  it("makes `npm run ask` exit 1 naming `npm run index`, and `npm run index` repairs it", async () => {
    const copy = await tempDir("verbatim-damaged-");
    await cp(pristine, copy, { recursive: true });
    const bodies = join(buildPath(copy, (await readPointer(copy))!), "bodies.utf16");
    const bytes = await readFile(bodies);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    await writeFile(bodies, bytes);
    const env = { ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: copy, LOG_LEVEL: "silent" };
    const run = (script: string, args: string[]) => spawnSync(process.execPath, ["--import", "tsx", script, ...args], { cwd: PROJECT_ROOT, env, encoding: "utf8", timeout: 60_000 });
    const asked = run("src/cli/ask.ts", [FIXTURE_QUESTIONS[1]!]);
    expect(asked.status).toBe(1);
    expect(asked.stdout).toBe("");
    expect(asked.stderr).toMatch(/damaged \(bodies\.utf16 does not match its checksum for the article [a-z-]+\): rebuild it with `npm run index`/);
    // With --json, the error is JSON on stdout.
    const json = run("src/cli/ask.ts", ["--json", FIXTURE_QUESTIONS[1]!]);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatch(/damaged \(bodies\.utf16 does not match its checksum for the article [a-z-]+\): rebuild it with `npm run index`/);
    const repaired = run("src/cli/index.ts", []);
    expect(repaired.status, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(/previous index is damaged/);
    expect(await answersOf(copy)).toEqual(expected);
  });

  it.each([
    ["vectors.f32", 8, /vectors\.f32 does not match its checksum/],
    // The last bytes belong to the new article, which none of the questions quotes: found all the same.
    ["bodies.utf16", -2, /bodies\.utf16 does not match its checksum/],
  ])("is refused by the running bot's hot reload when %s is damaged, and the previous build keeps serving", async (file, at, why) => {
    const indexDir = await tempDir("verbatim-live-");
    await cp(pristine, indexDir, { recursive: true });
    const logs: string[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk, _encoding, done) => (logs.push(String(chunk)), done()) }));
    const live = new LiveIndex(new Retriever(await loadIndex(indexDir), embedder), indexDir, logger);
    const served = live.source.buildId;
    // A new build (one more article), damaged after it was written.
    const grown = await tempDir("verbatim-live-corpus-");
    await cp(corpusDir, grown, { recursive: true });
    await writeFile(join(grown, "extra.md"), "---\nid: extra\ntitle: Extra\n---\nThe ferry to the island runs twice a day in summer.\n");
    const report = await buildConfiguredIndex(testConfig({ CORPUS_DIR: grown, INDEX_DIR: indexDir }), { embedder });
    const damaged = join(buildPath(indexDir, report.buildId), file);
    const bytes = await readFile(damaged);
    bytes[at < 0 ? bytes.length + at : at]! ^= 0x40;
    await writeFile(damaged, bytes);
    await live.check();
    expect(live.source.buildId).toBe(served);
    expect(await Promise.all(FIXTURE_QUESTIONS.map((question) => live.current.ask(question, { limit: 10 })))).toEqual(expected);
    const refusal = logs.map((line) => JSON.parse(line)).find((line) => line.level === 50);
    expect(refusal?.msg).toMatch(/cannot be loaded; still serving the previous one/);
    expect(refusal?.err?.message).toMatch(why);
  });
});
