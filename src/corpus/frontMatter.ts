import { parseDocument } from "yaml";
import { z } from "zod";
import type { Source } from "./article.js";

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
  id: z.preprocess((value) => (typeof value === "number" ? String(value) : value), z.string({ error: "is missing" }).regex(ID_PATTERN, "must be 1–64 lowercase letters, digits, `-` or `_`")),
  title: z.string({ error: "is missing" }).trim().min(1, "is empty").max(MAX_TITLE_LENGTH, `is over ${MAX_TITLE_LENGTH} characters: put the headline only`),
  outlet: optionalText.pipe(z.string().max(MAX_OUTLET_LENGTH, `is over ${MAX_OUTLET_LENGTH} characters: put the outlet's name only`)),
  published: z.preprocess(
    (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value === null || value === undefined ? "" : value),
    z.string().trim().refine((value) => value === "" || isRealDate(value), "must be an ISO date like 2025-01-17"),
  ),
  url: optionalText.pipe(z.string().max(MAX_URL_LENGTH, `is over ${MAX_URL_LENGTH} characters: give the article's address without tracking parameters`)).refine((value) => value === "" || /^https?:\/\/\S+$/.test(value), "must be an http(s) URL"),
});

/** A corpus file split into its front matter and its body, with the body's offset in the file. */
export interface ParsedArticleFile {
  source: Source;
  body: string;
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

const OPENING = /^---[ \t]*\r?\n/;
const CLOSING = /^---[ \t]*(?:\r?\n|$)/m;

/**
 * Parses `---\n<yaml>\n---\n<body>`. The body is everything after the closing line, exactly as
 * written (quotes are sliced from it), except that one leading blank line is not part of it.
 */
export function parseArticleFile(file: string, text: string): ParsedArticleFile {
  const opening = OPENING.exec(text);
  if (!opening) throw new CorpusFileError(file, "no front matter: the file must start with a `---` line, then `id:`, `title:` … and a closing `---` line");
  const rest = text.slice(opening[0].length);
  const closing = CLOSING.exec(rest);
  if (!closing) throw new CorpusFileError(file, "front matter is not closed: add a `---` line after it");
  const yamlText = rest.slice(0, closing.index);
  let body = rest.slice(closing.index + closing[0].length);
  body = body.replace(/^\r?\n/, "");

  const document = parseDocument(yamlText, { uniqueKeys: true });
  if (document.errors.length > 0) throw new CorpusFileError(file, `front matter is not valid YAML: ${document.errors[0]!.message.split("\n")[0]}`);
  const data: unknown = document.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) throw new CorpusFileError(file, "front matter must be `key: value` lines");

  const parsed = frontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CorpusFileError(file, `front matter \`${issue.path.join(".")}\` ${issue.message}`);
  }
  if (body.trim() === "") throw new CorpusFileError(file, "the body is empty: put the article text after the closing `---`");
  return { source: parsed.data, body };
}
