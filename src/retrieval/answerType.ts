/** The kind of answer a question asks for, when its wording says so. */
export type AnswerType = "time" | "duration" | "quantity" | "person" | "place" | undefined;

const MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec";
const NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|once|twice|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth";

const EVIDENCE: Record<Exclude<AnswerType, undefined>, RegExp> = {
  time: new RegExp(`\\b(${MONTHS})\\b|\\b(1[89]|20)\\d{2}\\b|\\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|last (year|month|week)|next (year|month|week))\\b`, "i"),
  duration: new RegExp(`\\b(\\d+|${NUMBER_WORDS}|a|an|several|many|few)[\\s-]+(years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries|century)\\b|\\bdecades\\b`, "i"),
  quantity: new RegExp(`\\d|\\b(${NUMBER_WORDS})\\b`, "i"),
  person: /\b(President|Minister|Prime Minister|Ambassador|spokesman|spokesperson|commander|lecturer|Mr\.|Mrs\.|Ms\.|Dr\.)\s+[A-Z]|[a-z,]\s+[A-Z][a-z]+\s+[A-Z][a-z]+/,
  place: /\b(in|at|to|from|near)\s+(the\s+)?[A-Z][a-z]+/,
};

/** "How long", "the duration of …": a span of time. */
const HOW_LONG = /\bhow (long)\b|\bhow many (years|months|weeks|days|decades)\b/;
const ASKS_DURATION = /\bwhat(?: is| was| are| were)? the (duration|length|lifespan|term)\b/;
/** "How big", …: the adjective asks for a measure. */
const HOW_MEASURE = /\bhow (many|much|old|often|far|big|large|tall|high|deep|wide|heavy|fast)\b/;
/** Nouns that name the kind of answer wanted ("the number of …"). */
const QUANTITY_NOUNS = "number|amount|total|count|percentage|proportion";
const TIME_NOUNS = "date|year|day|month";
const ASKS_QUANTITY = new RegExp(`\\bwhat(?: is| was| are| were)? the (${QUANTITY_NOUNS})\\b`);
const ASKS_TIME = new RegExp(`\\b(?:what|which)(?: is| was)?(?: the)? (${TIME_NOUNS})\\b`);

/** What kind of answer a question's wording asks for: "when" → time, "how many" → quantity, … */
export function expectedAnswerType(question: string): AnswerType {
  const q = question.toLowerCase();
  if (HOW_LONG.test(q) || ASKS_DURATION.test(q)) return "duration";
  if (HOW_MEASURE.test(q) || ASKS_QUANTITY.test(q) || /\bwhat (number|percentage|share)\b/.test(q)) return "quantity";
  if (/^\s*when\b|\bsince when\b/.test(q) || ASKS_TIME.test(q)) return "time";
  if (/^\s*who\b|^\s*whom\b|\bwhich (person|people|leader|leaders|official|officials|minister|president)\b/.test(q)) return "person";
  if (/^\s*where\b/.test(q)) return "place";
  return undefined;
}

/** Dates and years: numbers in them are not counts ("Jan. 17, 2025" does not answer "how many"). */
const DATES = new RegExp(`\\b(${MONTHS})\\.?\\s+\\d{1,2}(st|nd|rd|th)?(,?\\s+\\d{4})?|\\b\\d{1,2}(st|nd|rd|th)?\\s+(${MONTHS})\\b\\.?(,?\\s+\\d{4})?|\\b(1[89]|20)\\d{2}\\b`, "gi");

/** Whether a quote contains the kind of thing the question asks for. */
export function hasAnswerType(text: string, type: AnswerType): boolean {
  if (type === undefined) return false;
  return EVIDENCE[type].test(type === "quantity" || type === "duration" ? text.replace(DATES, " ") : text);
}

/**
 * The question's words that only name the kind of answer ("duration" in "what is the duration of
 * the treaty", "long" in "how long …"): a quote holding that kind of thing answers them.
 */
export function answerTypeWords(question: string): Set<string> {
  const q = question.toLowerCase();
  const words = new Set<string>();
  for (const pattern of [HOW_LONG, ASKS_DURATION, HOW_MEASURE, ASKS_QUANTITY, ASKS_TIME]) {
    const match = pattern.exec(q);
    const word = match?.slice(1).find((group) => group !== undefined);
    if (word) words.add(word);
  }
  return words;
}
