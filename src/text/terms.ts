import { stemmer } from "stemmer";
import { eng as ENGLISH_STOP_WORDS } from "stopword";

/** Negations carry the answer to yes/no questions, so they are never dropped as stop words. */
const KEPT_FUNCTION_WORDS = new Set(["not", "no", "never", "nor", "without"]);
/** Question and filler words that say what kind of answer is wanted, not what it is about. */
const QUESTION_WORDS = ["us", "vs", "mr", "mrs", "ms", "dr", "does", "do", "did", "is", "are", "was", "were", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "will", "would", "can", "could", "should", "tell", "say", "says", "said", "about", "there", "any", "s", "t"];
/** Words too common in any text to identify what a passage is about. */
export const STOP_WORDS: ReadonlySet<string> = new Set([...ENGLISH_STOP_WORDS, ...QUESTION_WORDS].filter((word) => !KEPT_FUNCTION_WORDS.has(word)));

/** British spellings rewritten to American ones, so both spellings meet in one term. */
const SPELLING_FOLDS: readonly [RegExp, string][] = [
  [/^(def|off|lic|pret)ence(s?)$/, "$1ense$2"],
  [/^([a-z]{2,})is(e|ed|es|ing|er|ers|ation|ations)$/, "$1iz$2"],
  [/^([a-z]{2,})ys(e|ed|es|ing)$/, "$1yz$2"],
  [/^([a-z]{2,})our(s|ed|ing|ite|ites|able|ably|er|ers|ful|less)?$/, "$1or$2"],
  [/^([a-z]{3,})(t|b)re(s|d)?$/, "$1$2er$3"],
  [/^([a-z]{3,})ogue(s)?$/, "$1og$2"],
  [/^([a-z]{2,}[aeiou])ll(ed|ing|er|ers)$/, "$1l$2"],
  [/^programme(s?)$/, "program$1"],
];

/** Rewrites a lowercase word's British spelling to the American one; other words pass through. */
export function foldSpelling(word: string): string {
  for (const [pattern, replacement] of SPELLING_FOLDS) {
    if (pattern.test(word)) return word.replace(pattern, replacement);
  }
  return word;
}

/** A word of running text: its normalised term, whether it is a stop word, and where it stands. */
export interface Token {
  term: string;
  /** The word as a plain lowercase spelling ("iran’s" → "iran"), for embedding it alone. */
  spelling: string;
  /** Stop words are judged on the word as written; initialisms ("U.S.", "US") never are. */
  stop: boolean;
  start: number;
  end: number;
}

const WORD = /(?:[A-Za-z]\.){2,}|[\p{L}\p{N}]+(?:[.,][0-9]{3})*(?:['’][\p{L}]+)?/gu;

/** Lowercases a word and strips accents and possessives ("Iran’s" → "iran"). */
function plainWord(raw: string): string {
  const word = raw.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/’/g, "'");
  return word.replace(/'s$/, "").replace(/'$/, "");
}

/**
 * Number words written as numerals, so "eleven" meets "11" and "twenty years" meets "20 years".
 * Not "one" (mostly "one of", "no one", "the one that", not a count) nor "zero".
 */
const NUMBER_WORDS: ReadonlyMap<string, string> = new Map(
  [undefined, undefined, "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    .flatMap((word, n): [string, string][] => (word ? [[word, String(n)]] : []))
    .concat(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"].map((word, i): [string, string] => [word, String((i + 2) * 10)])),
);

/** The index term of one word: plain, spelling-folded and stemmed; "8,000" becomes "8000", "eleven" "11". */
export function normalizeWord(raw: string): string {
  const word = plainWord(raw);
  const number = NUMBER_WORDS.get(word);
  if (number !== undefined) return number;
  if (/^\d{1,3}(,\d{3})+$/.test(word)) return word.replace(/,/g, "");
  return stemmer(foldSpelling(word.replace(/'/g, "")));
}

/** What a written word becomes: its term, plain spelling and whether it is a stop word. */
type WordForm = Pick<Token, "term" | "spelling" | "stop">;

function wordForm(raw: string): WordForm {
  if (/^(?:[A-Za-z]\.){2,}$/.test(raw)) {
    const letters = raw.replace(/\./g, "").toLowerCase();
    return { term: letters, spelling: letters, stop: false };
  }
  const isAcronym = /^[A-Z]{2,5}$/.test(raw);
  const term = isAcronym ? raw.toLowerCase() : normalizeWord(raw);
  const spelling = plainWord(raw).replace(/'/g, "");
  return { term, spelling, stop: !isAcronym && STOP_WORDS.has(spelling) };
}

/**
 * Word forms already worked out: words repeat (Zipf), and stemming and Unicode folding are the
 * slow part of indexing and of scoring candidates. Bounded; emptied when full.
 */
const FORMS = new Map<string, WordForm>();
const MAX_FORMS = 500_000;

/** Empties the word-form cache (after a build has tokenised a whole corpus). */
export function forgetWordForms(): void {
  FORMS.clear();
}

function formOf(raw: string): WordForm {
  let form = FORMS.get(raw);
  if (!form) {
    if (FORMS.size >= MAX_FORMS) FORMS.clear();
    FORMS.set(raw, (form = wordForm(raw)));
  }
  return form;
}

/** Splits text into normalised terms with their offsets (hyphenated words become several terms). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const form = formOf(match[0]);
    if (form.term !== "") tokens.push({ term: form.term, spelling: form.spelling, stop: form.stop, start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/** The content terms of a text, in order, repeats kept (what tokenize keeps that is not a stop word). */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  WORD.lastIndex = 0;
  for (let match = WORD.exec(text); match !== null; match = WORD.exec(text)) {
    const form = formOf(match[0]);
    if (form.term !== "" && !form.stop) terms.push(form.term);
  }
  return terms;
}
