import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Article } from "./article.js";
import { CorpusFileError, parseArticleFile } from "./frontMatter.js";

/** Corpus files are Markdown with front matter; other files (README, images) are ignored. */
const ARTICLE_EXTENSION = ".md";
/** A file this large is not a news article; refuse it rather than stall the build. */
const MAX_ARTICLE_BYTES = 2_000_000;
/** Files in the corpus folder that describe it rather than being articles. */
const IGNORED_FILES = new Set(["readme.md"]);

/** The articles of a corpus folder, or every problem found in it. */
export interface CorpusReport {
  articles: Article[];
  errors: CorpusFileError[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads and validates every `*.md` file of a corpus folder; never throws for a bad file. */
export async function readCorpus(corpusDir: string): Promise<CorpusReport> {
  let names: string[];
  try {
    names = (await readdir(corpusDir)).filter((name) => name.toLowerCase().endsWith(ARTICLE_EXTENSION) && !IGNORED_FILES.has(name.toLowerCase())).sort();
  } catch (error) {
    throw new Error(`Cannot read the corpus folder ${corpusDir}: create it and put one Markdown file per article in it (see README).`, { cause: error });
  }
  const articles: Article[] = [];
  const errors: CorpusFileError[] = [];
  const fileOfId = new Map<string, string>();
  for (const name of names) {
    try {
      const path = join(corpusDir, name);
      const size = (await stat(path)).size;
      if (size > MAX_ARTICLE_BYTES) throw new CorpusFileError(name, `is ${(size / 1e6).toFixed(1)} MB; an article may be at most ${MAX_ARTICLE_BYTES / 1e6} MB`);
      const bytes = await readFile(path);
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch {
        throw new CorpusFileError(name, "is not UTF-8 text: save it as UTF-8");
      }
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const { source, body } = parseArticleFile(name, text);
      const earlier = fileOfId.get(source.id);
      if (earlier) throw new CorpusFileError(name, `duplicate id \`${source.id}\`: ${earlier} already uses it`);
      fileOfId.set(source.id, name);
      articles.push({ ...source, body, file: name, hash: createHash("sha256").update(bytes).digest("hex") });
    } catch (error) {
      if (error instanceof CorpusFileError) errors.push(error);
      else errors.push(new CorpusFileError(name, `cannot be read: ${(error as Error).message}`));
    }
  }
  return { articles, errors };
}
