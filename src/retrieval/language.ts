/**
 * Questions in a language the articles are not in. The text pipeline (stop words, stemming,
 * spelling folds) is English, so a question in French or Russian matches nothing but names and
 * would be answered with unrelated quotes; it gets a note instead. Short English chat fragments
 * ("ecb main job?") fool language identifiers, so a question counts as foreign only when it is
 * mostly in a non-Latin script, or when franc names another language, rates English well below it
 * and most of the question's words are unknown to the articles.
 */
import { francAll } from "franc-min";

/** Below this many letters, franc's guess is not used (the script test still is). */
const MIN_LETTERS_FOR_GUESS = 12;
/** English scoring below this share of the best language's score counts as "not English". */
const ENGLISH_SCORE_FLOOR = 0.8;
/** Share of the question's words the articles must not know before a Latin-script question is called foreign. */
const MIN_UNKNOWN_SHARE = 0.5;
/** A guess this close to the runner-up (Russian or Bulgarian, for a short Cyrillic question) does not name a language. */
const NAMING_MARGIN = 0.9;
/** Words only English uses among the languages franc confuses it with: one of them and the question is English. */
const ENGLISH_WORDS = new Set(["the", "of", "and", "what", "who", "whom", "whose", "how", "when", "where", "why", "which", "did", "does", "is", "was", "were", "with", "from", "about", "many", "much", "should", "would", "could"]);
/** Languages a question is told apart in: the most spoken ones franc knows (fewer, so short questions are not taken for rare ones). */
const CANDIDATE_LANGUAGES = ["eng", "fra", "spa", "deu", "ita", "por", "nld", "rus", "ukr", "bul", "pol", "ces", "ron", "hun", "swe", "dan", "nob", "fin", "ell", "tur", "arb", "pes", "heb", "hin", "ben", "urd", "cmn", "jpn", "kor", "vie", "ind", "tha"];

const languageNames = new Intl.DisplayNames(["en"], { type: "language" });

/** A language a question is in, other than the articles'. */
export interface ForeignLanguage {
  /** ISO 639-3 code, as franc gives it ("fra"), or "und" when it is clear only that it is not English. */
  code: string;
  /** Its English name ("French"), or "" when not named. */
  name: string;
}

function nameOf(code: string): string {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * The question's language when it is confidently not English, else undefined.
 * @param unknownShare share of the question's content words that no article uses
 */
export function foreignLanguage(question: string, unknownShare: number): ForeignLanguage | undefined {
  const letters = question.match(/\p{L}/gu) ?? [];
  const latin = letters.filter((letter) => /\p{Script=Latin}/u.test(letter)).length;
  const mostlyOtherScript = letters.length > 0 && latin / letters.length < 0.5;
  if (!mostlyOtherScript) {
    if (letters.length < MIN_LETTERS_FOR_GUESS || unknownShare < MIN_UNKNOWN_SHARE) return undefined;
    if (question.toLowerCase().split(/[^\p{L}]+/u).some((word) => ENGLISH_WORDS.has(word))) return undefined;
  }
  const guesses = francAll(question, { minLength: 3, only: CANDIDATE_LANGUAGES });
  const [best, bestScore] = guesses[0] ?? ["und", 0];
  if (best === "eng" || (best === "und" && !mostlyOtherScript)) return undefined;
  const english = guesses.find(([code]) => code === "eng")?.[1] ?? 0;
  const runnerUp = guesses[1]?.[1] ?? 0;
  if (!mostlyOtherScript && english >= ENGLISH_SCORE_FLOOR * bestScore) return undefined;
  if (best === "und" || runnerUp >= NAMING_MARGIN * bestScore) return { code: "und", name: "" };
  return { code: best, name: nameOf(best) };
}
