import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { IndexPointerError } from "../src/index/errors.js";
import { buildPath, BUILDS_DIR, newBuildName, POINTER_FILE, readPointer } from "../src/index/layout.js";
import { loadIndex } from "../src/index/snapshot.js";
import { buildConfiguredIndex } from "../src/app/open.js";
import { tempDir, testConfig } from "./helpers.js";

/** An index folder whose pointer says `name`, with a build folder `good` and, beside the index folder, a folder `outside`. */
async function indexFolder(name: string) {
  const root = await tempDir("verbatim-pointer-");
  const indexDir = join(root, "index");
  const outside = join(root, "outside");
  await mkdir(join(indexDir, BUILDS_DIR, "good"), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, "manifest.json"), "{}");
  await writeFile(join(indexDir, POINTER_FILE), `${name}\n`);
  return { indexDir, outside };
}

describe("the index pointer (INDEX_DIR/current)", () => {
  it("names the build in use", async () => {
    const { indexDir } = await indexFolder("good");
    expect(await readPointer(indexDir)).toBe("good");
    const name = newBuildName();
    expect(buildPath(indexDir, name)).toBe(join(indexDir, BUILDS_DIR, name));
  });

  it.each([
    ["an absolute path", (outside: string) => outside],
    ["a path up and out", () => "../outside"],
    ["a path through the builds folder and back out", () => "good/../../../outside"],
    ["the index folder itself", () => ".."],
    ["a hidden name", () => ".git"],
  ])("is refused, saying what to do, when it names %s", async (_what, pointer) => {
    const root = await indexFolder("placeholder");
    await writeFile(join(root.indexDir, POINTER_FILE), `${pointer(root.outside)}\n`);
    await expect(readPointer(root.indexDir)).rejects.toThrow(IndexPointerError);
    await expect(loadIndex(root.indexDir)).rejects.toThrow(/^The index at .*index is damaged \(its pointer names ".*", which is not one folder name in builds\/ \(letters, digits, - and _\)\): rebuild it with `npm run index`\.$/);
  });

  it("is refused when the build it names is a symbolic link out of the index folder", async () => {
    const { indexDir, outside } = await indexFolder("elsewhere");
    await symlink(outside, join(indexDir, BUILDS_DIR, "elsewhere"));
    await expect(readPointer(indexDir)).rejects.toThrow(/its pointer names builds\/elsewhere, a symbolic link to .*outside, outside the index folder/);
    await expect(loadIndex(indexDir)).rejects.toThrow(IndexPointerError);
  });

  it("follows a build that is a symbolic link to another build of the same index", async () => {
    const { indexDir } = await indexFolder("alias");
    await symlink(join(indexDir, BUILDS_DIR, "good"), join(indexDir, BUILDS_DIR, "alias"));
    expect(await readPointer(indexDir)).toBe("alias");
  });

  it("is refused when the pointer file itself is a symbolic link", async () => {
    const { indexDir, outside } = await indexFolder("good");
    await writeFile(join(outside, "name"), "good\n");
    const pointer = join(indexDir, POINTER_FILE);
    await rm(pointer);
    await symlink(join(outside, "name"), pointer);
    await expect(readPointer(indexDir)).rejects.toThrow(/its pointer current is a symbolic link/);
  });

  it("is replaced by `npm run index`, which builds afresh without following it", async () => {
    const { indexDir, outside } = await indexFolder("placeholder");
    await writeFile(join(indexDir, POINTER_FILE), `${outside}\n`);
    const corpusDir = await tempDir("verbatim-corpus-");
    await writeFile(join(corpusDir, "ferry.md"), "---\ntitle: Ferry\n---\nThe ferry to the island runs twice a day in summer.\n");
    const report = await buildConfiguredIndex(testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir }));
    expect(report.fullRebuildReason).toBe("the index pointer names no build inside the index folder");
    expect(await readPointer(indexDir)).toBe(report.buildId);
    expect((await loadIndex(indexDir)).articles.size).toBe(1);
    expect(await readFile(join(outside, "manifest.json"), "utf8")).toBe("{}");
  });

  it("refuses to make a path of a build name that is not one plain folder name", async () => {
    expect(() => buildPath("/srv/index", "../../etc")).toThrow(IndexPointerError);
    expect(() => buildPath("/srv/index", "a/b")).toThrow(IndexPointerError);
  });
});
