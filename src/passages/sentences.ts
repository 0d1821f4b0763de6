/** A half-open character range `[start, end)` into an article body. */
export interface Span {
  start: number;
  end: number;
}

/** Titles and month names that end in a period but do not end a sentence. */
const ABBREVIATIONS = new Set(
  [
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "st", "jr", "sr",
    "rev", "hon", "pres", "amb", "insp", "supt", "messrs", "mt", "ft", "no", "nos", "vs", "v", "etc", "approx", "est", "dept", "univ",
    "inc", "corp", "ltd", "co", "bros", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "cf", "al", "fig",
  ].map((word) => word.toLowerCase()),
);
/** Abbreviations that may also end a sentence ("… grew, etc. Then …"): a capital next word breaks. */
const SENTENCE_FINAL_ABBREVIATIONS = new Set(["etc", "inc", "corp", "ltd", "co", "bros", "al"]);
/** Words that usually begin a sentence, so "… in the U.S. They said" breaks after "U.S.". */
const SENTENCE_STARTERS = new Set(
  [
    "a", "an", "the", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those", "there", "his", "her", "their", "its", "our",
    "but", "and", "or", "so", "yet", "however", "meanwhile", "moreover", "in", "on", "at", "for", "after", "before", "while", "when", "if",
    "as", "since", "although", "though", "despite", "still", "also", "both", "many", "some", "most", "one", "two", "what", "why", "how", "who",
  ],
);

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
const OPENING_QUOTE = /^["“‘'(\[]/;
const INITIALISM = /(?:^|[\s(“"'])((?:[A-Za-z]\.){2,})$/;
const ABBREVIATION = /(?:^|[\s(“"'])([A-Za-z]+(?:\.[A-Za-z]+)?)\.$/;
const SINGLE_INITIAL = /(?:^|\s)[A-Z]\.$/;

/** Whether the sentence break after `before` should be undone, given the text that follows. */
function continuesAfter(before: string, after: string): boolean {
  const head = before.trimEnd();
  const nextWord = /^[^\s]+/.exec(after.trimStart())?.[0] ?? "";
  const nextStartsSentence = OPENING_QUOTE.test(nextWord) || SENTENCE_STARTERS.has(nextWord.toLowerCase().replace(/[^a-z]/g, ""));
  const nextIsLower = /^[a-z0-9]/.test(nextWord);
  if (INITIALISM.test(head)) return nextIsLower || !nextStartsSentence;
  if (SINGLE_INITIAL.test(head)) return !nextStartsSentence;
  const abbreviation = ABBREVIATION.exec(head)?.[1]?.toLowerCase();
  if (abbreviation && ABBREVIATIONS.has(abbreviation)) {
    if (SENTENCE_FINAL_ABBREVIATIONS.has(abbreviation)) return nextIsLower || !nextStartsSentence;
    return true;
  }
  return nextIsLower && !/[!?]["”’']?$/.test(head);
}

/**
 * Splits `text` into sentences; each span is trimmed of surrounding white space and
 * `text.slice(start, end)` is the sentence exactly. Offsets are shifted by `offset`.
 */
export function splitSentences(text: string, offset = 0): Span[] {
  const raw: Span[] = [];
  for (const { index, segment } of segmenter.segment(text)) raw.push({ start: index, end: index + segment.length });
  const merged: Span[] = [];
  for (const span of raw) {
    const previous = merged.at(-1);
    if (previous && continuesAfter(text.slice(previous.start, previous.end), text.slice(span.start, span.end))) previous.end = span.end;
    else merged.push({ ...span });
  }
  const spans: Span[] = [];
  for (const span of merged) {
    const piece = text.slice(span.start, span.end);
    const leading = piece.length - piece.trimStart().length;
    const trimmed = piece.trim();
    if (trimmed === "") continue;
    const start = span.start + leading;
    spans.push({ start: start + offset, end: start + trimmed.length + offset });
  }
  return spans;
}

/** Whether a sentence ends the way a complete sentence does (terminal punctuation, maybe quoted). */
export function endsLikeSentence(sentence: string): boolean {
  return /[.!?…]["”’')\]]*$/.test(sentence.trimEnd());
}
