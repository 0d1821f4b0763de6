/** Hostile and careless corpus folders: special files, links, huge fields. Nothing hangs, nothing grows without bound. */
import { execFileSync } from "node:child_process";
import { symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildConfiguredIndex } from "../src/app/open.js";
import { readCorpus } from "../src/corpus/loadCorpus.js";
import { CorpusInvalidError } from "../src/index/build.js";
import { FIXTURE_ARTICLES, writeFixtureCorpus } from "./fixtures/articles.js";
import { tempDir, testConfig } from "./helpers.js";

const ARTICLE = (id: string, extra = "") => `---\nid: ${id}\ntitle: A title\n${extra}---\nThe ferry to the island runs twice a day in summer.\n`;

async function corpus(): Promise<string> {
  const dir = await tempDir("verbatim-corpus-");
  await writeFixtureCorpus(dir);
  return dir;
}

describe("special files in the corpus folder", () => {
  it("names a named pipe as not a regular file instead of waiting for a writer forever", { timeout: 15_000 }, async () => {
    const dir = await corpus();
    execFileSync("mkfifo", [join(dir, "x.md")]);
    const { articles, errors } = await readCorpus(dir);
    expect(articles).toHaveLength(Object.keys(FIXTURE_ARTICLES).length);
    expect(errors.map((error) => error.message)).toEqual(["x.md: is not a regular file (a named pipe): an article must be a plain file"]);
  });

  it("refuses a link to /dev/zero at once, without reading it", { timeout: 15_000 }, async () => {
    const dir = await corpus();
    await symlink("/dev/zero", join(dir, "x.md"));
    const { errors } = await readCorpus(dir);
    expect(errors.map((error) => error.message)).toEqual(["x.md: is a symbolic link to /dev/zero, outside the corpus folder: copy the file into the corpus folder instead"]);
  });

  it("refuses a device or pipe reached through a link inside the folder", { timeout: 15_000 }, async () => {
    const dir = await corpus();
    execFileSync("mkfifo", [join(dir, "pipe")]);
    await symlink(join(dir, "pipe"), join(dir, "x.md"));
    const { errors } = await readCorpus(dir);
    expect(errors.map((error) => error.message)).toEqual(["x.md: is not a regular file (a named pipe): an article must be a plain file"]);
  });

  it("follows a link to an article inside the corpus folder, and refuses one to a file outside it", async () => {
    const dir = await corpus();
    const outside = await tempDir("verbatim-outside-");
    await writeFile(join(outside, "secret.md"), ARTICLE("secret"));
    await writeFile(join(dir, "real.txt"), ARTICLE("linked"));
    await symlink(join(dir, "real.txt"), join(dir, "linked.md"));
    await symlink(join(outside, "secret.md"), join(dir, "secret.md"));
    const { articles, errors } = await readCorpus(dir);
    expect(articles.map((article) => article.id)).toContain("linked");
    expect(articles.map((article) => article.id)).not.toContain("secret");
    expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/^secret\.md: is a symbolic link to .*secret\.md, outside the corpus folder/)]);
  });

  it("stops `npm run index` with the file named, on the first build and on a no-change re-run alike", { timeout: 30_000 }, async () => {
    const dir = await corpus();
    const config = testConfig({ CORPUS_DIR: dir, INDEX_DIR: await tempDir("verbatim-index-") });
    await buildConfiguredIndex(config);
    execFileSync("mkfifo", [join(dir, "x.md")]);
    const error = await buildConfiguredIndex(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorpusInvalidError);
    expect((error as Error).message).toMatch(/x\.md: is not a regular file/);
  });
});

describe("front-matter fields longer than any real one", () => {
  it.each([
    ["outlet", `outlet: "${"O".repeat(120_000)}"\n`, /front matter `outlet` is over 100 characters/],
    ["title", "", /front matter `title` is over 300 characters/],
    ["url", `url: "https://example.org/${"a".repeat(3_000)}"\n`, /front matter `url` is over 2048 characters/],
  ])("refuses a %s that long, naming the file and the limit", async (field, extra, message) => {
    const dir = await tempDir("verbatim-corpus-");
    const text = field === "title" ? `---\nid: long\ntitle: "${"T".repeat(5_000)}"\n---\nBody text here.\n` : ARTICLE("long", extra);
    await writeFile(join(dir, "long.md"), text);
    const { errors } = await readCorpus(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(new RegExp(`^long\\.md: ${message.source}`));
  });
});
