import { describe, expect, it } from "vitest";
import type { Article } from "../src/corpus/article.js";
import { articleChanges, changesNothing, damagedFile, fullRebuildReason, newManifest, noArticlesMessage, quotableArticles, sameFiles, summarize, upToDateReport } from "../src/index/buildPlan.js";
import { INDEX_FORMAT_VERSION, type Manifest } from "../src/index/manifest.js";
import { DEFAULT_PASSAGE_SETTINGS } from "../src/passages/passages.js";

const settings = { modelId: "model-a", modelKey: "model-a@sha256:1", passageSettings: DEFAULT_PASSAGE_SETTINGS };

function manifest(articles: Record<string, { hash: string; file: string; passages?: number }>, files: Record<string, string> = { "articles.json": "a".repeat(64) }): Manifest {
  return {
    formatVersion: INDEX_FORMAT_VERSION,
    buildId: "b1",
    model: { id: settings.modelId, key: settings.modelKey, dimensions: 3 },
    passageSettings: { ...DEFAULT_PASSAGE_SETTINGS },
    builtAt: "2026-01-01T00:00:00.000Z",
    counts: { articles: Object.keys(articles).length, passages: 7 },
    articles: Object.fromEntries(Object.entries(articles).map(([id, entry]) => [id, { passages: 1, ...entry }])),
    files,
  };
}

function article(id: string, hash: string, body = "The harbour board signed the contract on Monday. Work starts in May."): Article {
  return { id, title: `Title ${id}`, outlet: "", published: "", url: "", body, file: `${id}.md`, hash };
}

describe("why a build embeds everything again", () => {
  const previous = { name: "b1", manifest: manifest({ a: { hash: "h1", file: "a.md" } }) };

  it("is nothing when the previous build was made with the same model and passage settings", () => {
    expect(fullRebuildReason(previous, settings)).toBeUndefined();
  });

  it("names what is missing, damaged, asked for or changed", () => {
    expect(fullRebuildReason(undefined, settings)).toBe("no usable previous index");
    expect(fullRebuildReason({ name: "b1", problem: "the index was built by another version of Verbatim" }, settings)).toBe("the index was built by another version of Verbatim");
    expect(fullRebuildReason(previous, { ...settings, force: true })).toBe("a full rebuild was asked for");
    expect(fullRebuildReason(previous, { ...settings, modelId: "model-b", modelKey: "model-b@x" })).toBe("the model changed (model-a → model-b)");
    expect(fullRebuildReason(previous, { ...settings, passageSettings: { ...DEFAULT_PASSAGE_SETTINGS, maxSentences: 9 } })).toBe("the passage settings changed");
  });
});

describe("whether the corpus is as the last build recorded it", () => {
  const recorded = manifest({ a: { hash: "h1", file: "a.md" }, b: { hash: "h2", file: "sub/b.md" } });

  it("holds for the same names with the same hashes, in any order", () => {
    expect(sameFiles(recorded, [{ file: "sub/b.md", hash: "h2" }, { file: "a.md", hash: "h1" }])).toBe(true);
  });

  it("fails for a changed, renamed, added, removed or unreadable file", () => {
    expect(sameFiles(recorded, [{ file: "a.md", hash: "h1" }, { file: "sub/b.md", hash: "other" }])).toBe(false);
    expect(sameFiles(recorded, [{ file: "a.md", hash: "h1" }, { file: "b.md", hash: "h2" }])).toBe(false);
    expect(sameFiles(recorded, [{ file: "a.md", hash: "h1" }, { file: "sub/b.md", hash: "h2" }, { file: "c.md", hash: "h3" }])).toBe(false);
    expect(sameFiles(recorded, [{ file: "a.md", hash: "h1" }])).toBe(false);
    expect(sameFiles(recorded, [{ file: "a.md", hash: "h1" }, { file: "sub/b.md", hash: "unreadable" }])).toBe(false);
  });
});

describe("a damaged build", () => {
  it("is named by its first file whose checksum differs from the manifest's, a missing one included", () => {
    const recorded = manifest({}, { "articles.json": "a".repeat(64), "keyword.bin": "b".repeat(64) });
    expect(damagedFile(recorded, { "articles.json": "a".repeat(64), "keyword.bin": "b".repeat(64) })).toBeUndefined();
    expect(damagedFile(recorded, { "articles.json": "a".repeat(64), "keyword.bin": "missing" })).toBe("keyword.bin");
    expect(damagedFile(recorded, { "articles.json": "c".repeat(64), "keyword.bin": "b".repeat(64) })).toBe("articles.json");
  });
});

describe("the articles a build indexes", () => {
  it("leaves out, and names, an article with no quotable sentence, among the other files left out, in file order", () => {
    const markup = article("pasted", "h", '<div class="story"><p>The port signed</p></div>');
    const { articles, passagesOf, skipped } = quotableArticles([article("b", "h1"), markup], [{ file: "z.jpg", reason: "unsupported type (.jpg)" }, { file: "a.jpg", reason: "unsupported type (.jpg)" }], DEFAULT_PASSAGE_SETTINGS);
    expect(articles.map((a) => a.id)).toEqual(["b"]);
    expect(passagesOf.get("b")!.length).toBeGreaterThan(0);
    expect(skipped.map((skip) => skip.file)).toEqual(["a.jpg", "pasted.md", "z.jpg"]);
    expect(skipped[1]!.reason).toMatch(/no quotable sentence/);
  });

  it("says, when there is none, where to put articles and names a few of the files left out", () => {
    const message = noArticlesMessage("/srv/corpus", [{ file: "a.jpg", reason: "unsupported type (.jpg)" }]);
    expect(message).toBe("The corpus folder /srv/corpus has no articles (1 file skipped: a.jpg: unsupported type (.jpg)): add one .md, .txt or .html file per article (see README), then run `npm run index`.");
    expect(noArticlesMessage("/srv/corpus", [])).not.toContain("skipped");
  });
});

describe("what changed since the last build", () => {
  it("sorts every article into added, changed, removed or unchanged", () => {
    const old = manifest({ same: { hash: "h1", file: "same.md" }, edited: { hash: "h2", file: "edited.md" }, gone: { hash: "h3", file: "gone.md" } }).articles;
    const changes = articleChanges(old, [article("same", "h1"), article("edited", "h2-new"), article("new", "h4")]);
    expect(changes).toEqual({ added: ["new"], changed: ["edited"], removed: ["gone"], unchanged: ["same"] });
    expect(changesNothing(changes)).toBe(false);
    expect(changesNothing(articleChanges(old, [article("same", "h1"), article("edited", "h2"), article("gone", "h3")]))).toBe(true);
  });

  it("reports an up-to-date index as not rebuilt, with its build and passages", () => {
    const previous = { name: "b1", manifest: manifest({ a: { hash: "h1", file: "a.md" } }) };
    const report = upToDateReport(previous, [{ file: "x.jpg", reason: "unsupported type (.jpg)" }]);
    expect(report).toMatchObject({ buildId: "b1", rebuilt: false, embedded: 0, passages: 7, unchanged: ["a"] });
    expect(summarize(report)).toBe("0 added, 0 changed, 0 removed, 1 unchanged, 1 skipped");
  });
});

describe("a new build's manifest", () => {
  it("records the model, settings, counts and each article's file, hash and passages", () => {
    const articles = [article("a", "h1"), article("b", "h2")];
    const passages = [{ id: "a#0", articleId: "a" }, { id: "a#1", articleId: "a" }, { id: "b#0", articleId: "b" }] as unknown as Parameters<typeof newManifest>[4];
    const made = newManifest("b2", settings, 100, articles, passages, new Date("2026-02-03T04:05:06Z"));
    expect(made).toEqual({
      formatVersion: INDEX_FORMAT_VERSION,
      buildId: "b2",
      model: { id: "model-a", key: "model-a@sha256:1", dimensions: 100 },
      passageSettings: { ...DEFAULT_PASSAGE_SETTINGS },
      builtAt: "2026-02-03T04:05:06.000Z",
      counts: { articles: 2, passages: 3 },
      articles: { a: { hash: "h1", file: "a.md", passages: 2 }, b: { hash: "h2", file: "b.md", passages: 1 } },
    });
  });
});
