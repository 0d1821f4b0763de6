/**
 * A build that fails on the disk (full, read-only) says what happened and what to do, and leaves
 * the index in use as it was, with no half-written build left to be taken for a good one. The disk
 * errors are made by a seam around node:fs/promises: a full or read-only disk cannot be had here.
 */
import { readdir, writeFile as realWriteFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";

/** The next write or mkdir whose path ends with `suffix` fails with `code`. */
const failure: { code?: string; suffix?: string } = {};

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const failing = <A extends unknown[], R>(operation: (path: any, ...rest: A) => Promise<R>) =>
    async (path: any, ...rest: A): Promise<R> => {
      if (failure.code && typeof path === "string" && path.endsWith(failure.suffix!)) {
        const code = failure.code;
        failure.code = undefined;
        throw Object.assign(new Error(`${code}: simulated, write '${path}'`), { code });
      }
      return operation(path, ...rest);
    };
  return { ...actual, writeFile: failing(actual.writeFile), mkdir: failing(actual.mkdir) };
});

const { buildConfiguredIndex, embedderOptions } = await import("../src/app/open.js");
const { loadEmbedder } = await import("../src/embeddings/embedder.js");
const { BUILDS_DIR, readPointer } = await import("../src/index/layout.js");
const { loadIndex } = await import("../src/index/snapshot.js");
const { Retriever } = await import("../src/retrieval/retriever.js");
const { FIXTURE_QUESTIONS, writeFixtureCorpus } = await import("./fixtures/articles.js");
const { tempDir, testConfig } = await import("./helpers.js");

let embedder: Awaited<ReturnType<typeof loadEmbedder>>;
beforeAll(async () => {
  embedder = await loadEmbedder(embedderOptions(testConfig({})));
});

async function answersOf(indexDir: string) {
  const retriever = new Retriever(await loadIndex(indexDir), embedder);
  return Promise.all(FIXTURE_QUESTIONS.map((question) => retriever.ask(question)));
}

async function setup() {
  const corpusDir = await tempDir("verbatim-corpus-");
  await writeFixtureCorpus(corpusDir);
  const indexDir = await tempDir("verbatim-index-");
  const config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir });
  await buildConfiguredIndex(config, { embedder });
  return { corpusDir, indexDir, config, good: (await readPointer(indexDir))! };
}

describe("a build that fails on the disk", () => {
  it("on a full disk says so and what to do, keeps the index in use, and leaves no half-written build", async () => {
    const { corpusDir, indexDir, config, good } = await setup();
    const before = await answersOf(indexDir);
    await realWriteFile(join(corpusDir, "extra.md"), "---\nid: extra\ntitle: Extra\n---\nThe ferry to the island runs twice a day in summer.\n");
    failure.code = "ENOSPC";
    failure.suffix = "passages.bin";
    const error = (await buildConfiguredIndex(config, { embedder }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^There is no space left on the disk that holds the index folder .*: free some space there \(or set INDEX_DIR to a folder on a larger disk\), then run `npm run index` again\. The index in use was not changed\./);
    expect((error.cause as NodeJS.ErrnoException).code).toBe("ENOSPC");
    expect(await readPointer(indexDir)).toBe(good);
    expect(await readdir(join(indexDir, BUILDS_DIR))).toEqual([good]);
    expect(await answersOf(indexDir)).toEqual(before);
    // The next build succeeds, and keeps the good build it replaced, not the failed one.
    const report = await buildConfiguredIndex(config, { embedder });
    expect(report.added).toEqual(["extra"]);
    expect((await readdir(join(indexDir, BUILDS_DIR))).sort()).toEqual([good, report.buildId].sort());
  });

  it("on a read-only index folder says to point INDEX_DIR at a writable one", async () => {
    const { corpusDir, config } = await setup();
    await realWriteFile(join(corpusDir, "extra.md"), "---\nid: extra\ntitle: Extra\n---\nThe ferry to the island runs twice a day in summer.\n");
    failure.code = "EROFS";
    failure.suffix = BUILDS_DIR;
    await expect(buildConfiguredIndex(config, { embedder })).rejects.toThrow(/^The index folder .* is on a read-only file system: set INDEX_DIR to a writable folder/);
  });
});
