import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type Stats } from "node:fs";
import { readdir } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import type { Article } from "./article.js";
import { binaryKind } from "./fileKind.js";
import { guildOfFile, notAServerFolder, SERVERS_FOLDER } from "./servers.js";
import { MAX_ID_LENGTH } from "./articleFile.js";
import { ArticleSkipped, CorpusFileError, parseArticleFile, type ArticleFileType } from "./frontMatter.js";

/** Article files by extension: Markdown (front matter optional), plain text, saved web pages. */
const ARTICLE_TYPES: ReadonlyMap<string, ArticleFileType> = new Map([
  [".md", "markdown"],
  [".markdown", "markdown"],
  [".txt", "text"],
  [".html", "html"],
  [".htm", "html"],
]);
/** A file this large is not a news article; refuse it rather than stall the build. */
const MAX_ARTICLE_BYTES = 2_000_000;
/** Files that describe a folder rather than being articles. */
const DESCRIPTION_FILES = new Set(["readme.md", "readme.txt", "readme"]);

/** A file under the corpus folder that is not indexed, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

/** The articles of a corpus folder, the files left out (with why), or every problem found in it. */
export interface CorpusReport {
  articles: Article[];
  errors: CorpusFileError[];
  skipped: SkippedFile[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Every file under the corpus folder, subfolders included (paths relative to it, with `/`,
 * sorted): the article files by type, and the others with why they are left out. Names starting
 * with a dot (`.git`, editor files) are passed over.
 */
async function corpusFiles(corpusDir: string): Promise<{ articles: string[]; skipped: SkippedFile[] }> {
  const articles: string[] = [];
  const skipped: SkippedFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(corpusDir, relative), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      // Directly under servers/, only a server's folder is read: anything else would be shared with every server.
      const notServer = relative === SERVERS_FOLDER ? notAServerFolder(entry.name, entry.isDirectory()) : undefined;
      if (notServer) skipped.push({ file: path, reason: notServer });
      else if (entry.isDirectory()) await walk(path);
      else if (DESCRIPTION_FILES.has(entry.name.toLowerCase())) skipped.push({ file: path, reason: "a README describes the folder; it is not indexed" });
      else if (ARTICLE_TYPES.has(extname(entry.name).toLowerCase())) articles.push(path);
      else skipped.push({ file: path, reason: `unsupported type${extname(entry.name) ? ` (${extname(entry.name)})` : ""}: articles are .md, .txt or .html files` });
    }
  };
  try {
    await walk("");
  } catch (error) {
    throw new Error(`Cannot read the corpus folder ${corpusDir}: create it and put one file per article in it (.md, .txt or .html; see README).`, { cause: error });
  }
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { articles: articles.sort(byPath), skipped: skipped.sort((a, b) => byPath(a.file, b.file)) };
}


function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** One reusable read buffer (reads are synchronous, so one at a time), a byte over the limit. */
const scratch = Buffer.allocUnsafe(MAX_ARTICLE_BYTES + 1);

/**
 * An article file's bytes, read safely: only a regular file (a FIFO would block the build forever,
 * /dev/zero would fill memory), opened without blocking, never read past the size limit whatever
 * its reported size, and, when it is a symbolic link, only if it resolves to a file inside the
 * corpus folder (a link out of the folder could publish any file the bot can read).
 */
function readArticleBytes(corpusDir: string, name: string): Buffer {
  const path = join(corpusDir, name);
  if (lstatSync(path).isSymbolicLink()) {
    const target = realpathSync(path);
    const root = realpathSync(corpusDir);
    if (!target.startsWith(root + sep)) throw new CorpusFileError(name, `is a symbolic link to ${target}, outside the corpus folder: copy the file into the corpus folder instead`);
  }
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new CorpusFileError(name, `is not a regular file (${kindOf(stats)}): an article must be a plain file`);
    if (stats.size > MAX_ARTICLE_BYTES) throw tooLarge(name, stats.size);
    // Read until the end, never past one byte over the limit: the reported size can be wrong
    // (0 for /proc files, or a file growing while it is read).
    let length = 0;
    for (;;) {
      const read = readSync(fd, scratch, length, scratch.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_ARTICLE_BYTES) throw tooLarge(name);
    }
    return Buffer.from(scratch.subarray(0, length));
  } finally {
    closeSync(fd);
  }
}

function tooLarge(name: string, size?: number): CorpusFileError {
  const actual = size === undefined ? "" : ` (${(size / 1e6).toFixed(1)} MB)`;
  return new CorpusFileError(name, `is over ${MAX_ARTICLE_BYTES / 1e6} MB${actual}; an article may be at most ${MAX_ARTICLE_BYTES / 1e6} MB: keep only the article's text`);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}

/** One article file as read: its bytes and their sha256, or why it could not be read. */
export type CorpusFile = { file: string; hash: string; bytes: Buffer } | { file: string; hash: "unreadable"; problem: CorpusFileError };

/** Every article file of a corpus folder, read and hashed once; and the other files, with why they are left out. */
export interface CorpusFiles {
  files: CorpusFile[];
  skipped: SkippedFile[];
}

/**
 * Reads every article file under a corpus folder, each once, without parsing anything: the
 * hashes alone say whether anything changed since the last build, and the same bytes are parsed
 * (parseCorpus) when something did. A file that cannot be read safely is kept with its problem.
 */
export async function readCorpusFiles(corpusDir: string): Promise<CorpusFiles> {
  const { articles: names, skipped } = await corpusFiles(corpusDir);
  // Synchronous reads: for thousands of small files, the promise API's open/stat/read/close round
  // trips cost several times the reading itself (1.0 s vs 0.3 s for 10,000 articles).
  const files = names.map((file): CorpusFile => {
    try {
      const bytes = readArticleBytes(corpusDir, file);
      return { file, hash: sha256(bytes), bytes };
    } catch (error) {
      const problem = error instanceof CorpusFileError ? error : new CorpusFileError(file, `cannot be read: ${(error as Error).message}`);
      return { file, hash: "unreadable", problem };
    }
  });
  return { files, skipped };
}

type Loaded = { article: Article & { idFromPath: boolean } } | { error: CorpusFileError };

function parseArticle(read: CorpusFile): Loaded {
  if (!("bytes" in read)) return { error: read.problem };
  const name = read.file;
  try {
    // A picture or a document saved under an article's name is left out, named, like an empty file.
    const kind = binaryKind(read.bytes);
    if (kind) throw new ArticleSkipped(name, `looks like ${kind}, not text: an article is a UTF-8 text file (.md, .txt or .html)`);
    let text: string;
    try {
      text = utf8.decode(read.bytes);
    } catch {
      throw new CorpusFileError(name, "is not UTF-8 text: save it as UTF-8");
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const { source, body, idFromPath } = parseArticleFile(name, text, ARTICLE_TYPES.get(extname(name).toLowerCase())!);
    return { article: { ...source, body, file: name, hash: read.hash, idFromPath } };
  } catch (error) {
    if (error instanceof CorpusFileError) return { error };
    return { error: new CorpusFileError(name, `cannot be read: ${(error as Error).message}`) };
  }
}

/**
 * The id a server's article is indexed under: its own id with a tag of its server, so that two
 * servers adding the same page (the same outlet, date and title, so the same id) do not collide,
 * cut to fit the ids' 64 characters. The shared corpus's ids are kept as written.
 */
export function scopedArticleId(id: string, guild: string): string {
  const tag = `-s${createHash("sha256").update(guild).digest("hex").slice(0, 8)}`;
  return `${id.slice(0, MAX_ID_LENGTH - tag.length).replace(/[-_]+$/, "")}${tag}`;
}

/**
 * Parses and validates the files readCorpusFiles read (no I/O); never throws for a bad file.
 *
 * The shared corpus is read first, then each server's files (under servers/<guild id>/). A server's
 * file never fails the build for everyone: what would be an error in the shared corpus (a duplicate
 * id, a file that cannot be read) skips it, with the reason. The same text twice is one article
 * within a scope; a server's copy of a shared article is skipped (the server sees the shared one),
 * and two servers' copies are both kept (neither sees the other's).
 */
export function parseCorpus({ files, skipped: passedOver }: CorpusFiles): CorpusReport {
  const skipped = [...passedOver];
  const articles: Article[] = [];
  const errors: CorpusFileError[] = [];
  const fileOfId = new Map<string, string>();
  /** Texts seen, by scope ("" for the shared corpus, else the guild id) and text hash. */
  const fileOfText = new Map<string, string>();
  const scoped = files.map((file) => ({ file, guild: guildOfFile(file.file) }));
  const ordered = [...scoped.filter((f) => f.guild === undefined), ...scoped.filter((f) => f.guild !== undefined)];
  for (const { file, guild } of ordered) {
    const result = parseArticle(file);
    if ("error" in result) {
      if (result.error instanceof ArticleSkipped) skipped.push({ file: result.error.file, reason: result.error.problem });
      else if (guild !== undefined) skipped.push({ file: result.error.file, reason: result.error.problem });
      else errors.push(result.error);
      continue;
    }
    const { article } = result;
    if (guild !== undefined) article.id = scopedArticleId(article.id, guild);
    const earlier = fileOfId.get(article.id);
    if (earlier) {
      const problem = `duplicate id \`${article.id}\`: ${earlier} already uses it${article.idFromPath ? " (an id made from the file's path: give one of them an `id:` in front matter)" : ""}`;
      if (guild !== undefined) skipped.push({ file: article.file, reason: problem });
      else errors.push(new CorpusFileError(article.file, problem));
      continue;
    }
    // The same text under two names would show as "also reported by" itself.
    const textKey = sha256(Buffer.from(article.body.replace(/\s+/g, " ").trim()));
    const sameText = fileOfText.get(`:${textKey}`) ?? (guild === undefined ? undefined : fileOfText.get(`${guild}:${textKey}`));
    if (sameText) {
      skipped.push({ file: article.file, reason: `same text as ${sameText}` });
      continue;
    }
    fileOfId.set(article.id, article.file);
    fileOfText.set(`${guild ?? ""}:${textKey}`, article.file);
    const { idFromPath: _, ...plain } = article;
    articles.push(plain);
  }
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { articles, errors, skipped };
}

/** Reads and validates every article file under a corpus folder; never throws for a bad file. */
export async function readCorpus(corpusDir: string): Promise<CorpusReport> {
  return parseCorpus(await readCorpusFiles(corpusDir));
}
