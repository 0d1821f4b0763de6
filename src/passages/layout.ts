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
const MONTH = "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
/**
 * Photo captions, as news agencies write them: a picture credit ("(AP Photo/…)", "REUTERS/…",
 * "Getty Images"), or one sentence that ends on its date set off by a comma, the caption style
 * ("… shake hands as they meet in Moscow, Jan. 17, 2025." / "…, Friday, Jan. 17, 2025."). A
 * caption says what a picture shows, not what the article reports: never an answer.
 */
const CAPTION_CREDITS: readonly RegExp[] = [
  /\((?:AP|AFP|Reuters|Getty|EPA|Photo|File|Pool)(?: Photo| Images)?(?:\s*\/[^)]*)?\)\s*$/i,
  /\b(?:REUTERS|AFP|AP Photo|Getty Images|EPA-EFE|XINHUA|TASS|SPUTNIK|ANADOLU)\s*\/\s*\S/,
  /\b(?:Photo|Image|Picture)s?(?: credit)?\s*:\s*\S+[^.!?]*$/i,
];
/** The caption style's closing date, set off by a comma: "…, Jan. 17, 2025." or "…, Friday, Jan. 17, 2025." */
const CAPTION_DATE = new RegExp(String.raw`,\s+(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s+)?${MONTH}\.?\s+\d{1,2},\s+\d{4}\.?["”’)]*$`);

/** Whether a line is a photo caption: it credits a picture, or it is one sentence ending on the caption-style date. */
function isCaption(text: string): boolean {
  if (CAPTION_CREDITS.some((pattern) => pattern.test(text))) return true;
  // Prose may end on a date too: only a lone sentence in the caption style counts.
  return CAPTION_DATE.test(text) && splitSentences(text).length === 1;
}

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
    if (FURNITURE_LINES.some((pattern) => pattern.test(text)) || isCaption(text)) kind = "furniture";
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
