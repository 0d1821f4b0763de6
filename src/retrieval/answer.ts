import type { OffsetsIn, Source } from "../corpus/article.js";

/** One quote: words exactly as in the article, where they stand, and how sure we are. */
export interface Quote {
  quote: string;
  source: Source;
  /** `source` article's `body.slice(start, end) === quote`, always. */
  start: number;
  end: number;
  /** What `start` and `end` count in: the file's body, or the text extracted from a saved web page. */
  offsetsIn: OffsetsIn;
  /** Confidence from 0 to 1 that this quote answers the question. */
  score: number;
  /** Ids of other articles that report the same fact. */
  alsoReportedBy: string[];
  /** The sentence of the quote that best matches the question (offsets in the article, within the quote). */
  focus: { start: number; end: number };
  /** The question asks for a kind of thing (a date for "when", a span of time for "how long", a cause for "why") and the quote holds none: never shown as a strong match. */
  kindMissing?: boolean;
  /** How many people marked this quote wrong for a similar question, when that moved it down (set after ranking, by src/app/demotion.ts). */
  markedWrongBy?: number;
}

/** The answer to one question: quotes best first, and whether they answer it. */
export interface Answer {
  question: string;
  answered: boolean;
  results: Quote[];
  /** Names the question writes that no article mentions, as written; such a question is not answered. */
  unmentioned?: string[];
  /** The question's language, when it is not the articles' (English); such a question is not answered. */
  language?: { code: string; name: string };
}

/** Longest quote: the eval's bar for "an answer, not an article", and readable in a Discord embed. */
export const MAX_QUOTE_CHARS = 600;

/** Longest question accepted: a question, not a pasted article. */
export const MAX_QUESTION_LENGTH = 300;

/** A question that cannot be asked (empty, too long); the message says what to do instead. */
export class QuestionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuestionError";
  }
}

/** Trims a question and checks it, throwing a QuestionError a person can act on. */
export function validateQuestion(raw: string): string {
  const question = raw.replace(/\s+/g, " ").trim();
  if (question === "") throw new QuestionError("The question is empty: ask something about the articles.");
  if (question.length > MAX_QUESTION_LENGTH) {
    throw new QuestionError(`The question is ${question.length} characters long; the limit is ${MAX_QUESTION_LENGTH}. Ask it more briefly.`);
  }
  if (!/[\p{L}\p{N}]/u.test(question)) throw new QuestionError("The question has no words in it: ask something about the articles.");
  return question;
}
