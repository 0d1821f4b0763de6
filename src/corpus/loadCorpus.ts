import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
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

/** Files read at once: enough to hide disk latency, few enough not to run out of file handles. */
const READ_CONCURRENCY = 32;

/** Applies `work` to every item, at most `limit` at a time; results keep the items' order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The article files of a corpus folder, sorted. */
async function articleFiles(corpusDir: string): Promise<string[]> {
  try {
    return (await readdir(corpusDir)).filter((name) => name.toLowerCase().endsWith(ARTICLE_EXTENSION) && !IGNORED_FILES.has(name.toLowerCase())).sort();
  } catch (error) {
    throw new Error(`Cannot read the corpus folder ${corpusDir}: create it and put one Markdown file per article in it (see README).`, { cause: error });
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The sha256 of every article file, by file name, without parsing anything: enough to see that
 * nothing changed since the last build.
 */
export async function corpusFingerprints(corpusDir: string): Promise<Map<string, string>> {
  const names = await articleFiles(corpusDir);
  // Synchronous reads: for thousands of small files, the promise API's open/stat/read/close round
  // trips cost several times the reading itself (1.0 s vs 0.3 s for 10,000 articles).
  return new Map(names.map((name) => [name, sha256(readFileSync(join(corpusDir, name)))]));
}

type Loaded = { article: Article } | { error: CorpusFileError };

async function loadArticle(corpusDir: string, name: string): Promise<Loaded> {
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
    return { article: { ...source, body, file: name, hash: sha256(bytes) } };
  } catch (error) {
    if (error instanceof CorpusFileError) return { error };
    return { error: new CorpusFileError(name, `cannot be read: ${(error as Error).message}`) };
  }
}

/** Reads and validates every `*.md` file of a corpus folder; never throws for a bad file. */
export async function readCorpus(corpusDir: string): Promise<CorpusReport> {
  const names = await articleFiles(corpusDir);
  const loaded = await mapLimit(names, READ_CONCURRENCY, (name) => loadArticle(corpusDir, name));
  const articles: Article[] = [];
  const errors: CorpusFileError[] = [];
  const fileOfId = new Map<string, string>();
  for (const result of loaded) {
    if ("error" in result) {
      errors.push(result.error);
      continue;
    }
    const { article } = result;
    const earlier = fileOfId.get(article.id);
    if (earlier) {
      errors.push(new CorpusFileError(article.file, `duplicate id \`${article.id}\`: ${earlier} already uses it`));
      continue;
    }
    fileOfId.set(article.id, article.file);
    articles.push(article);
  }
  return { articles, errors };
}
