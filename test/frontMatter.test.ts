import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CorpusFileError, parseArticleFile } from "../src/corpus/frontMatter.js";
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
    ["no front matter", "Just text.", /no front matter/],
    ["an unclosed front matter", "---\nid: a\ntitle: T\n", /not closed/],
    ["no title", "---\nid: a\n---\nText.", /`title` is missing/],
    ["an empty title", "---\nid: a\ntitle: ''\n---\nText.", /`title` is empty/],
    ["no id", "---\ntitle: T\n---\nText.", /`id` is missing/],
    ["a bad id", "---\nid: Hello World\ntitle: T\n---\nText.", /`id` must be/],
    ["an impossible date", "---\nid: a\ntitle: T\npublished: 2025-02-30\n---\nText.", /`published` must be an ISO date/],
    ["a date in words", "---\nid: a\ntitle: T\npublished: January 17, 2025\n---\nText.", /`published` must be an ISO date/],
    ["a bad url", "---\nid: a\ntitle: T\nurl: www.dw.com\n---\nText.", /`url` must be an http/],
    ["an empty body", "---\nid: a\ntitle: T\n---\n  \n\n", /body is empty/],
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

describe("readCorpus", () => {
  it("reads every Markdown article and reports each bad file without stopping", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "a.md"), good);
    await writeFile(join(dir, "b.md"), good.replace("id: a-1", "id: a-1"));
    await writeFile(join(dir, "c.md"), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x0a]));
    await writeFile(join(dir, "notes.txt"), "ignored");
    await writeFile(join(dir, "README.md"), "# About this corpus");
    await mkdir(join(dir, "images"));
    const { articles, errors } = await readCorpus(dir);
    expect(articles.map((article) => article.file)).toEqual(["a.md"]);
    expect(errors.map((error) => error.message)).toEqual(["b.md: duplicate id `a-1`: a.md already uses it", "c.md: is not UTF-8 text: save it as UTF-8"]);
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
