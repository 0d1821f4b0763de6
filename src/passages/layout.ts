import { endsLikeSentence, splitSentences, type Span } from "./sentences.js";

/** What a line of an article body is, for deciding what may be quoted. */
export type LineKind = "prose" | "heading" | "furniture";

/** One line (paragraph) of a body, with its offsets and what it is. */
export interface Line extends Span {
  kind: LineKind;
}

/**
 * Page furniture that scrapers leave in article text: link labels, bylines, share prompts.
 * Matched against a whole trimmed line, case-insensitively.
 */
const FURNITURE_LINES: readonly RegExp[] = [
  /^(newsletter|newsletters|related articles?|related stories|related|read (the )?full (article|story)|read more|see also|be the first to comment|advertisement|share|share this( article| story)?|comments?|subscribe|sign up|follow us|more from .*)$/i,
  /^(source|sources|related|credited from|photo|image|caption|via|read more|see also|tags|topics|filed under)\s*:/i,
  /\|\s*(published|updated)\b/i,
  /^(by|written by)\s+[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*){0,4}$/,
  /^[A-Z][A-Z .,'-]{1,40}\s*[—–-]+\s*$/,
  /^for (more|further) (details|information|coverage)\b/i,
];
/** A line with fewer words than this is a fragment ("operation."), never a quotable paragraph. */
const MIN_PROSE_WORDS = 4;
/** A final line this long without closing punctuation is a cut-off sentence, not a heading. */
const MIN_TRUNCATED_WORDS = 8;

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

/** Splits a body into trimmed, non-empty lines with offsets and classifies each. */
export function classifyLines(body: string): Line[] {
  const lines: Line[] = [];
  const pattern = /[^\r\n]+/g;
  for (let match = pattern.exec(body); match; match = pattern.exec(body)) {
    const raw = match[0];
    const text = raw.trim();
    if (text === "") continue;
    const start = match.index + (raw.length - raw.trimStart().length);
    const end = start + text.length;
    let kind: LineKind;
    if (FURNITURE_LINES.some((pattern) => pattern.test(text))) kind = "furniture";
    else if (wordCount(text) < MIN_PROSE_WORDS) kind = "furniture";
    else if (!endsLikeSentence(text) && !/[.!?…]["”’')\]]*\s/.test(text)) kind = "heading";
    else if (/\?["”’')\]]*$/.test(text) && splitSentences(text).length === 1) kind = "heading";
    else kind = "prose";
    lines.push({ start, end, kind });
  }
  const last = lines.at(-1);
  // A scraped body cut off mid-sentence ends in a long line with no closing punctuation.
  if (last && last.kind === "heading" && wordCount(body.slice(last.start, last.end)) >= MIN_TRUNCATED_WORDS) last.kind = "prose";
  return lines;
}

/** A quotable sentence and the paragraph (line) it belongs to. */
export interface Sentence extends Span {
  paragraph: number;
}

/**
 * The sentences that may be quoted: those of prose lines, in order. A sentence that does not end
 * like one at the very end of the body was cut off by the source and is left out, because quoting
 * half a sentence could say something the article does not.
 */
export function quotableSentences(body: string): Sentence[] {
  const sentences: Sentence[] = [];
  const lines = classifyLines(body);
  lines.forEach((line, paragraph) => {
    if (line.kind !== "prose") return;
    for (const span of splitSentences(body.slice(line.start, line.end), line.start)) {
      const text = body.slice(span.start, span.end);
      if (wordCount(text) === 0) continue;
      const atEndOfBody = body.slice(span.end).trim() === "";
      if (!endsLikeSentence(text) && atEndOfBody) continue;
      sentences.push({ ...span, paragraph });
    }
  });
  return sentences;
}
