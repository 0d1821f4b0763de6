import { stemmer } from "stemmer";
import { eng as ENGLISH_STOP_WORDS } from "stopword";
import { countryNames } from "./countries.js";
import { CURRENCY_SIGNS, UNIT_PHRASES, unitWords } from "./units.js";

/** Negations carry the answer to yes/no questions, so they are never dropped as stop words. */
const KEPT_FUNCTION_WORDS = new Set(["not", "no", "never", "nor", "without"]);
/** Question and filler words that say what kind of answer is wanted, not what it is about ("per": "km/h" is "kilometres per hour"). */
const QUESTION_WORDS = ["us", "vs", "mr", "mrs", "ms", "dr", "does", "do", "did", "is", "are", "was", "were", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "will", "would", "can", "could", "should", "tell", "say", "says", "said", "about", "there", "any", "s", "t", "per"];
/** Words too common in any text to identify what a passage is about. */
export const STOP_WORDS: ReadonlySet<string> = new Set([...ENGLISH_STOP_WORDS, ...QUESTION_WORDS].filter((word) => !KEPT_FUNCTION_WORDS.has(word)));

/** British spellings rewritten to American ones, so both spellings meet in one term. */
const SPELLING_FOLDS: readonly [RegExp, string][] = [
  [/^(def|off|lic|pret)ence(s?)$/, "$1ense$2"],
  [/^([a-z]{2,})is(e|ed|es|ing|er|ers|ation|ations)$/, "$1iz$2"],
  [/^([a-z]{2,})ys(e|ed|es|ing)$/, "$1yz$2"],
  [/^([a-z]{2,})our(s|ed|ing|ite|ites|able|ably|er|ers|ful|less)?$/, "$1or$2"],
  [/^([a-z]{2,})(t|b)re(s|d)?$/, "$1$2er$3"],
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

const WORD = /(?:[A-Za-z]\.){2,}|[\p{L}\p{N}]+(?:[.,][0-9]{3})*(?:['’][\p{L}]+)?|%/gu;

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

/** A word's form before country names are folded (what the folds themselves are built from). */
function wordForm(raw: string): WordForm {
  if (raw === "%") return { term: "percent", spelling: "percent", stop: false };
  if (/^(?:[A-Za-z]\.){2,}$/.test(raw)) {
    const letters = raw.replace(/\./g, "").toLowerCase();
    return { term: letters, spelling: letters, stop: false };
  }
  const isAcronym = /^[A-Z]{2,5}$/.test(raw);
  const term = isAcronym ? raw.toLowerCase() : normalizeWord(raw);
  const spelling = plainWord(raw).replace(/'/g, "");
  return { term, spelling, stop: !isAcronym && STOP_WORDS.has(spelling) };
}

/** Several words read as one term: "United States" as the US, "per cent" as "percent". */
interface Phrase {
  /** The words' terms in order (single words already folded), stop words included. */
  terms: readonly string[];
  term: string;
}

interface Folds {
  /** A word's term → the term it is read as ("iranian" → "iran", "usa" → the US's term). */
  words: ReadonlyMap<string, string>;
  /** First word's term → the phrases that start with it, longest first. */
  phrases: ReadonlyMap<string, readonly Phrase[]>;
}

let builtFolds: Folds | undefined;

/**
 * The folds, built on first use (a few milliseconds): every name, abbreviation and demonym of a
 * country is read as the country's name, so "Iranian", "Islamic Republic of Iran" and "Iran" meet,
 * as do "American", "US", "U.S.", "USA" and "United States". A form that two countries share goes
 * to the one whose common name it is, else to the only sovereign state among them, else nowhere
 * ("Congolese" stays itself).
 */
function folds(): Folds {
  if (builtFolds) return builtFolds;
  const termsOf = (text: string): WordForm[] => [...text.matchAll(WORD)].map((match) => wordForm(match[0])).filter((form) => form.term !== "");
  const countries = countryNames();
  /** Each country's term: its common name's content terms, joined when there are several. */
  const canonical = countries.map(({ common }) => termsOf(common).filter((form) => !form.stop).map((form) => form.term).join("_"));
  type Claim = { country: number; common: boolean };
  const claims = new Map<string, Claim[]>();
  countries.forEach(({ common, forms }, country) => {
    for (const [form, isCommon] of [[common, true], ...forms.map((f) => [f, false])] as [string, boolean][]) {
      const words = termsOf(form);
      if (words.length === 0 || (words.length === 1 && words[0]!.stop)) continue;
      const key = words.map((word) => word.term).join(" ");
      const list = claims.get(key) ?? [];
      if (!list.some((claim) => claim.country === country)) list.push({ country, common: isCommon });
      claims.set(key, list);
    }
  });
  const owner = (list: readonly Claim[]): number | undefined => {
    const commons = list.filter((claim) => claim.common);
    if (commons.length > 0) return commons.length === 1 ? commons[0]!.country : undefined;
    if (list.length === 1) return list[0]!.country;
    const sovereign = list.filter((claim) => countries[claim.country]!.independent);
    return sovereign.length === 1 ? sovereign[0]!.country : undefined;
  };
  const words = new Map<string, string>();
  const multiWord: [string[], string][] = [];
  for (const [key, list] of claims) {
    const country = owner(list);
    if (country === undefined) continue;
    const keyTerms = key.split(" ");
    if (keyTerms.length === 1) {
      if (keyTerms[0] !== canonical[country]) words.set(keyTerms[0]!, canonical[country]!);
    } else multiWord.push([keyTerms, canonical[country]!]);
  }
  for (const [phrase, word] of UNIT_PHRASES) multiWord.push([termsOf(phrase).map((form) => form.term), termsOf(word)[0]!.term]);
  const phrases = new Map<string, Phrase[]>();
  for (const [keyTerms, term] of multiWord) {
    const folded = keyTerms.map((t) => words.get(t) ?? t);
    const list = phrases.get(folded[0]!) ?? [];
    list.push({ terms: folded, term });
    phrases.set(folded[0]!, list);
  }
  for (const list of phrases.values()) list.sort((a, b) => b.terms.length - a.terms.length);
  builtFolds = { words, phrases };
  return builtFolds;
}

/** A word's form with country names folded. */
function foldedForm(raw: string): WordForm {
  const form = wordForm(raw);
  if (form.stop) return form;
  const term = folds().words.get(form.term);
  return term === undefined ? form : { ...form, term };
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
    FORMS.set(raw, (form = foldedForm(raw)));
  }
  return form;
}

/** A numeral glued to letters: "100m", "5kg", "70mph". */
const NUMBER_AND_LETTERS = /^(\d+)(\p{L}+)$/u;
/** What may stand between a number and its unit, or between two units ("100 m", "km/h", "sq km"). */
const UNIT_GAP = /^[ \u00a0/]?$/;

/** Pushes the tokens of the words a unit abbreviation stands for, all spanning the abbreviation. */
function pushUnit(tokens: Token[], words: string, start: number, end: number): void {
  for (const word of words.split(" ")) {
    const form = formOf(word);
    tokens.push({ term: form.term, spelling: form.spelling, stop: form.stop, start, end });
  }
}

/**
 * Splits text into normalised terms with their offsets. Hyphenated words become several terms;
 * a unit after a numeral becomes the words it stands for ("100m" → "100", "metres"); a country's
 * names and "per cent" become one term (see folds()).
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  /** Where the last numeral or unit ended, for a unit written after it; -1 when the last word was neither. */
  let unitMayFollow = -1;
  let afterCurrency = false;
  for (const match of text.matchAll(WORD)) {
    const raw = match[0];
    const start = match.index;
    const end = start + raw.length;
    const glued = NUMBER_AND_LETTERS.exec(raw);
    if (glued) {
      const currency = CURRENCY_SIGNS.test(text.charAt(start - 1));
      const words = unitWords(glued[2]!, currency);
      if (words !== undefined) {
        const numberEnd = start + glued[1]!.length;
        tokens.push({ term: glued[1]!, spelling: glued[1]!, stop: false, start, end: numberEnd });
        pushUnit(tokens, words, numberEnd, end);
        unitMayFollow = end;
        afterCurrency = currency;
        continue;
      }
    } else if (unitMayFollow >= 0 && UNIT_GAP.test(text.slice(unitMayFollow, start))) {
      const words = unitWords(raw, afterCurrency);
      if (words !== undefined) {
        pushUnit(tokens, words, start, end);
        unitMayFollow = end;
        continue;
      }
    }
    const form = formOf(raw);
    if (form.term === "") continue;
    tokens.push({ term: form.term, spelling: form.spelling, stop: form.stop, start, end });
    if (/^\d+$/.test(form.term)) {
      unitMayFollow = end;
      afterCurrency = CURRENCY_SIGNS.test(text.charAt(start - 1));
    } else unitMayFollow = -1;
  }
  return mergePhrases(tokens, text);
}

/** Joins the words of each phrase in folds() into one token (written with only spaces or hyphens between). */
function mergePhrases(tokens: Token[], text: string): Token[] {
  const { phrases } = folds();
  let merged: Token[] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const candidates = phrases.get(tokens[i]!.term);
    const phrase = candidates?.find((p) => matchesAt(tokens, i, p.terms, text));
    if (!phrase) {
      merged?.push(tokens[i]!);
      continue;
    }
    merged ??= tokens.slice(0, i);
    const last = tokens[i + phrase.terms.length - 1]!;
    const spelling = tokens.slice(i, i + phrase.terms.length).map((token) => token.spelling).join(" ");
    merged.push({ term: phrase.term, spelling, stop: false, start: tokens[i]!.start, end: last.end });
    i += phrase.terms.length - 1;
  }
  return merged ?? tokens;
}

function matchesAt(tokens: readonly Token[], i: number, terms: readonly string[], text: string): boolean {
  if (i + terms.length > tokens.length) return false;
  for (let k = 1; k < terms.length; k++) {
    const token = tokens[i + k]!;
    if (token.term !== terms[k] || !/^[\s-]+$/.test(text.slice(tokens[i + k - 1]!.end, token.start))) return false;
  }
  return true;
}

/** The content terms of a text, in order, repeats kept (what tokenize keeps that is not a stop word). */
export function contentTerms(text: string): string[] {
  return tokenize(text).flatMap((token) => (token.stop ? [] : [token.term]));
}
