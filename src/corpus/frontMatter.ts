import { createHash } from "node:crypto";
import { parseDocument } from "yaml";
import { z } from "zod";
import type { Source } from "./article.js";
import { extractHtmlArticle } from "./html.js";

/** Ids appear in Discord button ids and file names, so they stay short and plain. */
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Titles longer than this are almost certainly a pasted paragraph, not a headline. */
export const MAX_TITLE_LENGTH = 300;
/** The longest real outlet names ("Radio Free Europe/Radio Liberty") are under 40 characters. */
export const MAX_OUTLET_LENGTH = 100;
/** Browsers, servers and CDNs commonly refuse URLs over 2,048 characters. */
export const MAX_URL_LENGTH = 2048;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const optionalText = z.preprocess((value) => (value === null || value === undefined ? "" : value), z.string().trim());

const frontMatterSchema = z.object({
  id: z.preprocess((value) => (typeof value === "number" ? String(value) : value), z.string().regex(ID_PATTERN, "must be 1–64 lowercase letters, digits, `-` or `_`").optional()),
  title: optionalText.pipe(z.string().max(MAX_TITLE_LENGTH, `is over ${MAX_TITLE_LENGTH} characters: put the headline only`)),
  outlet: optionalText.pipe(z.string().max(MAX_OUTLET_LENGTH, `is over ${MAX_OUTLET_LENGTH} characters: put the outlet's name only`)),
  published: z.preprocess(
    (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value === null || value === undefined ? "" : value),
    z.string().trim().refine((value) => value === "" || isRealDate(value), "must be an ISO date like 2025-01-17"),
  ),
  url: optionalText.pipe(z.string().max(MAX_URL_LENGTH, `is over ${MAX_URL_LENGTH} characters: give the article's address without tracking parameters`)).refine((value) => value === "" || /^https?:\/\/\S+$/.test(value), "must be an http(s) URL"),
});

/** The kinds of article file: Markdown (front matter optional), plain text, a saved web page. */
export type ArticleFileType = "markdown" | "text" | "html";

/** A corpus file split into its source fields and its body. */
export interface ParsedArticleFile {
  source: Source;
  body: string;
  /** Whether the id was made from the file's path (no `id:` given). */
  idFromPath: boolean;
}

/** A corpus file that cannot be indexed; the message names the file and the problem. */
export class CorpusFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = "CorpusFileError";
  }
}

/** A file that is read but holds nothing to index (no text after extraction): skipped, not an error. */
export class ArticleSkipped extends CorpusFileError {
  override name = "ArticleSkipped";
}

const OPENING = /^---[ \t]*\r?\n/;
const CLOSING = /^---[ \t]*(?:\r?\n|$)/m;

/**
 * An article id from a file's path: "world/Iran Deal.md" → "world-iran-deal". Lowercase, accents
 * folded, anything else made a hyphen; a path too long for 64 characters keeps its start and a
 * hash of the whole.
 */
export function idFromPath(file: string): string {
  const plain = file
    .replace(/\.[^./]+$/, "")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "-")
    .replace(/^[-_]+|-+$/g, "");
  const hash = createHash("sha256").update(file).digest("hex").slice(0, 8);
  if (plain === "") return `article-${hash}`;
  return plain.length <= 64 ? plain : `${plain.slice(0, 55).replace(/-+$/, "")}-${hash}`;
}

/**
 * A first line taken as the title: a Markdown heading's text, or the line itself when it is short
 * enough to be one and is not markup (HTML pasted into a text file starts with a tag).
 */
function leadingTitle(body: string): { title: string; rest: string } | undefined {
  const match = /^[ \t]*(?:#{1,6}[ \t]+)?(\S[^\r\n]*?)[ \t#]*(?:\r?\n|$)/.exec(body);
  if (!match || match[1]!.length > MAX_TITLE_LENGTH || match[1]!.startsWith("<")) return undefined;
  return { title: match[1]!, rest: body.slice(match[0].length).replace(/^(?:[ \t]*\r?\n)+/, "") };
}

/** A title made from a file's name, when its first line cannot be one: "world/rice-harvest_2025.txt" → "rice harvest 2025". */
function titleFromPath(file: string): string {
  const name = file.split("/").at(-1)!.replace(/\.[^.]+$/, "").replace(/[-_]+/g, " ").trim();
  return name === "" ? file : name;
}

/**
 * Parses an article file. Markdown may start with `---\n<yaml>\n---\n` front matter (every field
 * optional); its body is everything after the closing line, exactly as written (quotes are sliced
 * from it), except that one leading blank line is not part of it. Without a title in front matter,
 * the first line (a `#` heading, or a plain text file's first line) is the title and not part of
 * the body. A saved web page is reduced to its article's text (see html.ts). Without an id, the
 * id is made from the path.
 */
export function parseArticleFile(file: string, text: string, type: ArticleFileType = "markdown"): ParsedArticleFile {
  if (type === "html") {
    const page = extractHtmlArticle(text);
    if (page.body.trim() === "") throw new ArticleSkipped(file, "no article text found in the page after extraction");
    return finish(file, { title: page.title, outlet: page.outlet, published: page.published, url: page.url }, page.body);
  }
  const opening = type === "markdown" ? OPENING.exec(text) : null;
  if (!opening) return finish(file, {}, text);
  const rest = text.slice(opening[0].length);
  const closing = CLOSING.exec(rest);
  if (!closing) throw new CorpusFileError(file, "front matter is not closed: add a `---` line after it");
  const yamlText = rest.slice(0, closing.index);
  const body = rest.slice(closing.index + closing[0].length).replace(/^\r?\n/, "");

  const document = parseDocument(yamlText, { uniqueKeys: true });
  if (document.errors.length > 0) throw new CorpusFileError(file, `front matter is not valid YAML: ${document.errors[0]!.message.split("\n")[0]}`);
  const data: unknown = document.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) throw new CorpusFileError(file, "front matter must be `key: value` lines");
  return finish(file, data as Record<string, unknown>, body);
}

/** Validates the fields, fills the title from the first line and the id from the path when not given. */
function finish(file: string, fields: Record<string, unknown>, rawBody: string): ParsedArticleFile {
  const parsed = frontMatterSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CorpusFileError(file, `front matter \`${issue.path.join(".")}\` ${issue.message}`);
  }
  let body = rawBody;
  let title = parsed.data.title;
  if (title === "") {
    // Without a title line (markup, or a first paragraph too long for a headline) the file's name
    // stands in; the whole text stays the body.
    const leading = leadingTitle(body);
    title = leading?.title ?? titleFromPath(file);
    body = leading?.rest ?? body;
  }
  if (body.trim() === "") throw new ArticleSkipped(file, "the body is empty: no article text after the title");
  const id = parsed.data.id ?? idFromPath(file);
  return { source: { ...parsed.data, id, title }, body, idFromPath: parsed.data.id === undefined };
}
