import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CorpusFileError, idFromPath, parseArticleFile } from "../src/corpus/frontMatter.js";
import { readCorpus } from "../src/corpus/loadCorpus.js";
import { tempDir } from "./helpers.js";

const good = `---\nid: a-1\ntitle: A title\noutlet: DW\npublished: 2025-01-17\nurl: https://example.com/a\n---\nBody line one.\nBody line two.`;

describe("parseArticleFile", () => {
  it("reads the front matter fields and keeps the body exactly", () => {
    const { source, body } = parseArticleFile("a.md", good);
    expect(source).toEqual({ id: "a-1", title: "A title", outlet: "DW", published: "2025-01-17", url: "https://example.com/a" });
    expect(body).toBe("Body line one.\nBody line two.");
  });

  it("leaves unstated outlet, date and url empty rather than inventing them", () => {
    const { source } = parseArticleFile("a.md", `---\nid: a\ntitle: T\n---\nText here.`);
    expect(source).toMatchObject({ outlet: "", published: "", url: "" });
  });

  it("keeps CRLF bodies and unusual characters verbatim", () => {
    const { body } = parseArticleFile("a.md", `---\r\nid: a\r\ntitle: T\r\n---\r\nLine “one” — é\r\nLine 2`);
    expect(body).toBe("Line “one” — é\r\nLine 2");
  });

  it.each([
    ["an unclosed front matter", "---\nid: a\ntitle: T\n", /not closed/],
    ["a bad id", "---\nid: Hello World\ntitle: T\n---\nText.", /`id` must be/],
    ["an impossible date", "---\nid: a\ntitle: T\npublished: 2025-02-30\n---\nText.", /`published` must be an ISO date/],
    ["a date in words", "---\nid: a\ntitle: T\npublished: January 17, 2025\n---\nText.", /`published` must be an ISO date/],
    ["a bad url", "---\nid: a\ntitle: T\nurl: www.dw.com\n---\nText.", /`url` must be an http/],
    ["an empty body", "---\nid: a\ntitle: T\n---\n  \n\n", /body is empty/],
    ["only a title line", "Just a headline", /body is empty/],
    ["broken YAML", "---\nid: a\ntitle: [unclosed\n---\nText.", /not valid YAML/],
    ["a repeated key", "---\nid: a\nid: b\ntitle: T\n---\nText.", /not valid YAML/],
  ])("rejects a file with %s, naming the file", (_, text, message) => {
    let error: unknown;
    try {
      parseArticleFile("bad.md", text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CorpusFileError);
    expect((error as Error).message).toMatch(/^bad\.md: /);
    expect((error as Error).message).toMatch(message);
  });
});

describe("articles without front matter, or with only some of it", () => {
  it("takes the first line as the title and the path as the id", () => {
    const { source, body, idFromPath: fromPath } = parseArticleFile("world/Harbour Déal.md", "Harbour deal signed\n\nThe port signed a contract on Monday.\n");
    expect(source).toEqual({ id: "world-harbour-deal", title: "Harbour deal signed", outlet: "", published: "", url: "" });
    expect(body).toBe("The port signed a contract on Monday.\n");
    expect(fromPath).toBe(true);
  });

  it("reads a Markdown heading as the title, and a text file's first line", () => {
    expect(parseArticleFile("a.md", "# Harbour deal signed\n\nThe port signed.").source.title).toBe("Harbour deal signed");
    expect(parseArticleFile("a.txt", "Harbour deal signed\nThe port signed.", "text").source.title).toBe("Harbour deal signed");
    expect(parseArticleFile("a.txt", "---\nnot: yaml in a text file\n---\nText.", "text").source.title).toBe("---");
  });

  it("fills what front matter leaves out: id from the path, title from the first line", () => {
    const { source } = parseArticleFile("b.md", "---\noutlet: Example Gazette\n---\nHarbour deal signed\n\nThe port signed.");
    expect(source).toMatchObject({ id: "b", title: "Harbour deal signed", outlet: "Example Gazette" });
  });

  it("takes the file's name as the title when the first line cannot be one (markup, or a whole paragraph)", () => {
    const markup = parseArticleFile("pasted/Harbour-deal_2026.md", "<div><p>The port signed.</p></div>\n");
    expect(markup.source.title).toBe("Harbour deal 2026");
    expect(markup.body).toBe("<div><p>The port signed.</p></div>\n");
    const long = `${"The port signed a contract. ".repeat(12)}\n`;
    expect(parseArticleFile("a.txt", long, "text")).toMatchObject({ source: { title: "a" }, body: long });
  });

  it.each([
    ["world/Iran Deal.md", "world-iran-deal"],
    ["Ünïcode ńame.txt", "unicode-name"],
    ["!!!.md", expect.stringMatching(/^article-[0-9a-f]{8}$/)],
    [`${"long-name-".repeat(10)}.md`, expect.stringMatching(/^long-name-.*-[0-9a-f]{8}$/)],
  ])("makes the id of %s a plain one", (file, id) => {
    expect(idFromPath(file)).toEqual(id);
    expect(idFromPath(file)).toMatch(/^[a-z0-9][a-z0-9_-]{0,63}$/);
  });
});

describe("readCorpus", () => {
  it("reads every Markdown article and reports each bad file without stopping", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "a.md"), good);
    await writeFile(join(dir, "b.md"), good.replace("id: a-1", "id: a-1"));
    await writeFile(join(dir, "c.md"), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x0a]));
    await writeFile(join(dir, "notes.txt"), "just one line");
    await writeFile(join(dir, "README.md"), "# About this corpus");
    await writeFile(join(dir, "photo.jpg"), "not text");
    await mkdir(join(dir, "images"));
    const { articles, errors, skipped } = await readCorpus(dir);
    expect(articles.map((article) => article.file)).toEqual(["a.md"]);
    expect(errors.map((error) => error.message)).toEqual(["b.md: duplicate id `a-1`: a.md already uses it", "c.md: is not UTF-8 text: save it as UTF-8"]);
    expect(skipped).toEqual([
      { file: "README.md", reason: expect.stringMatching(/README describes the folder/) },
      { file: "notes.txt", reason: expect.stringMatching(/body is empty/) },
      { file: "photo.jpg", reason: expect.stringMatching(/unsupported type \(\.jpg\)/) },
    ]);
  });

  it("skips a picture, a document or other binary data saved under an article's name, naming what it looks like", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "a.md"), good);
    const files: Record<string, number[]> = {
      "photo.md": [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13],
      "camera.txt": [0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46],
      "anim.md": [...Buffer.from("GIF89a"), 1, 0, 1, 0],
      "report.md": [...Buffer.from("%PDF-1.7\n%"), 0xe2, 0xe3, 0xcf, 0xd3],
      "letter.md": [0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0],
      "old.md": [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
      "archive.html": [0x1f, 0x8b, 8, 0],
      "blob.md": [...Buffer.from("---\ntitle: x\n---\n"), 0, 1, 2, 3],
    };
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), Buffer.from(bytes));
    const { articles, errors, skipped } = await readCorpus(dir);
    expect(errors).toEqual([]);
    expect(articles.map((article) => article.file)).toEqual(["a.md"]);
    expect(Object.fromEntries(skipped.map((skip) => [skip.file, skip.reason.replace(/, not text.*/, "")]))).toEqual({
      "anim.md": "looks like a GIF image",
      "archive.html": "looks like gzip-compressed data",
      "blob.md": "looks like binary data",
      "camera.txt": "looks like a JPEG image",
      "letter.md": "looks like a ZIP archive (a .docx or .odt document is one)",
      "old.md": "looks like a Microsoft Office document (.doc)",
      "photo.md": "looks like a PNG image",
      "report.md": "looks like a PDF document",
    });
    expect(skipped[0]!.reason).toBe("looks like a GIF image, not text: an article is a UTF-8 text file (.md, .txt or .html)");
  });

  it("reads articles in subfolders, of every supported type, and skips a second copy of the same text", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "world", "asia"), { recursive: true });
    await writeFile(join(dir, "world", "asia", "harbour.txt"), "Harbour deal signed\n\nThe port signed a ten-year contract on Monday.\n");
    await writeFile(join(dir, "world", "copy.md"), "# Harbour deal signed\n\nThe port   signed a ten-year contract on Monday.");
    await writeFile(join(dir, "page.html"), "<html><head><title>Library reopens</title></head><body><article><p>The city library reopened on Saturday after a two-year renovation that cost four million euros.</p><p>Visitors queued before the doors opened.</p></article></body></html>");
    await writeFile(join(dir, ".hidden.md"), "# Hidden\n\nNot read.");
    const { articles, errors, skipped } = await readCorpus(dir);
    expect(errors).toEqual([]);
    expect(articles.map((article) => [article.file, article.id, article.title])).toEqual([
      ["page.html", "page", "Library reopens"],
      ["world/asia/harbour.txt", "world-asia-harbour", "Harbour deal signed"],
    ]);
    expect(articles[0]!.body).toBe("The city library reopened on Saturday after a two-year renovation that cost four million euros.\n\nVisitors queued before the doors opened.");
    expect(skipped).toEqual([{ file: "world/copy.md", reason: "same text as world/asia/harbour.txt" }]);
  });

  it("names the fix when the corpus folder does not exist", async () => {
    await expect(readCorpus("/nonexistent/corpus")).rejects.toThrow(/Cannot read the corpus folder/);
  });

  it("gives each article a content hash that changes with its bytes", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "a.md"), good);
    const before = (await readCorpus(dir)).articles[0]!.hash;
    await writeFile(join(dir, "a.md"), good + " More.");
    const after = (await readCorpus(dir)).articles[0]!.hash;
    expect(after).not.toBe(before);
  });
});
