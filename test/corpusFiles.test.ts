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

describe("servers' own articles in the corpus", () => {
  const A = "111111111111111111";
  const B = "222222222222222222";
  const article = (title: string, text: string, id?: string) => `---\n${id ? `id: ${id}\n` : ""}title: ${title}\noutlet: Coast Gazette\npublished: 2025-03-01\n---\n\n${text}\n`;

  async function corpus(files: Record<string, string>): Promise<string> {
    const dir = await tempDir();
    const { mkdir } = await import("node:fs/promises");
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, ".."), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    return dir;
  }

  it("keeps two servers' copies of the same page (same id, same text), each under an id of its own", async () => {
    const page = article("Harbour deal signed", "The shipping group will invest 40 million euros in new cranes, it said.", "coast-gazette-2025-03-01-harbour-deal");
    const dir = await corpus({ [`servers/${A}/web/harbour.md`]: page, [`servers/${B}/web/harbour.md`]: page });
    const { articles, errors, skipped } = await readCorpus(dir);
    expect(errors).toEqual([]);
    expect(skipped).toEqual([]);
    const ids = articles.map((a) => a.id);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^coast-gazette-2025-03-01-harbour-deal-s[0-9a-f]{8}$/);
  });

  it("skips a server's copy of a shared article (the server sees the shared one), whichever name sorts first", async () => {
    const text = "The shipping group will invest 40 million euros in new cranes, it said.";
    const dir = await corpus({ "zz-harbour.md": article("Harbour deal signed", text), [`servers/${A}/harbour.md`]: article("Harbour deal signed", text) });
    const { articles, skipped } = await readCorpus(dir);
    expect(articles.map((a) => a.file)).toEqual(["zz-harbour.md"]);
    expect(skipped).toEqual([{ file: `servers/${A}/harbour.md`, reason: "same text as zz-harbour.md" }]);
  });

  it("skips a server's unreadable or clashing file with the reason, where the shared corpus would fail the build", async () => {
    const dir = await corpus({
      "a.md": article("One", "The first article says one thing.", "same-id"),
      "b.md": article("Two", "The second article says another thing.", "same-id"),
      [`servers/${A}/bad.md`]: "---\ntitle: [unclosed\n---\n\nText.\n",
      [`servers/${A}/one.md`]: article("Three", "A third article says a third thing.", "dup"),
      [`servers/${A}/two.md`]: article("Four", "A fourth article says a fourth thing.", "dup"),
    });
    const { articles, errors, skipped } = await readCorpus(dir);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^b\.md: duplicate id `same-id`/)]);
    expect(articles.map((a) => a.file).sort()).toEqual(["a.md", `servers/${A}/one.md`]);
    expect(skipped.map((s) => s.file)).toEqual([`servers/${A}/bad.md`, `servers/${A}/two.md`]);
    expect(skipped[1]!.reason).toMatch(/^duplicate id `dup-s[0-9a-f]{8}`: servers\/111111111111111111\/one\.md already uses it/);
  });
});
