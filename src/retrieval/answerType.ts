/** The kind of answer a question asks for, when its wording says so. */
export type AnswerType = "time" | "duration" | "quantity" | "person" | "place" | "reason" | "quote" | undefined;

const MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec";
const NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|once|twice|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth";

const EVIDENCE: Record<Exclude<AnswerType, undefined>, RegExp> = {
  time: new RegExp(`\\b(${MONTHS})\\b|\\b(1[89]|20)\\d{2}\\b|\\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|last (year|month|week)|next (year|month|week))\\b`, "i"),
  duration: new RegExp(`\\b(\\d+|${NUMBER_WORDS}|a|an|several|many|few)[\\s-]+(years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries|century)\\b|\\bdecades\\b`, "i"),
  quantity: new RegExp(`\\d|\\b(${NUMBER_WORDS})\\b`, "i"),
  person: /\b(President|Minister|Prime Minister|Ambassador|spokesman|spokesperson|commander|lecturer|Mr\.|Mrs\.|Ms\.|Dr\.)\s+[A-Z]|[a-z,]\s+[A-Z][a-z]+\s+[A-Z][a-z]+/,
  place: /\b(in|at|to|from|near)\s+(the\s+)?[A-Z][a-z]+/,
  // A cause or a purpose: what "why" asks for.
  reason: /\b(because|due to|owing to|amid|over|citing|cited|after|following|as a result of|in response to|blamed|blames|blaming|reasons?|since|so that|in order to|aims? to|aimed at|intended to|meant to|to (protest|avoid|prevent|counter|boost|reduce|cut|secure|ease|end|offset|tackle|curb))\b/i,
  // Somebody's own words: "what did X call Y" asks for a quoted phrase.
  quote: /["“”‘][^"“”]{3,}["”’]|\b(called|calling|described|describing|dubbed|termed|hailed|labell?ed)\b/i,
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

/** Verbs a question word is asked with: "when did", "who was" (a chat question puts the question word anywhere: "so they signed it when"). */
const ASKING = "(?:did|does|do|is|was|are|were|will|would|has|have|had|can|could)";
const WHEN_ASKED = new RegExp(`\\bwhen ${ASKING}\\b`);
const WHO_ASKED = new RegExp(`\\bwho ${ASKING}\\b`);
const WHERE_ASKED = new RegExp(`\\bwhere ${ASKING}\\b`);
/** "What did X call Y", "how did X describe Y", "in what words": a quoted phrase. */
const ASKS_QUOTE = /\bwhat (?:did|does|do|has|have|had) [\w\s'’-]{1,40}? (?:call|calls|called|describe|describes|described|dub|label|term)\b|\bhow (?:did|does|do|has|have) [\w\s'’-]{1,40}? (?:describe|call|characteri[sz]e)\b|\bin what (?:words|terms)\b/;
/** "Why", "how come", "what was the reason for", "what caused": a cause or reason. */
const ASKS_REASON = /^\s*why\b|\bwhy (?:did|does|do|is|was|are|were|would|has|have|had|not)\b|\bhow come\b|\bwhat (?:is|was|were|are)? ?the (?:reason|reasons|cause|causes|motive)\b|\bwhat (?:caused|prompted|led to|triggered)\b|\bwhy\W*$/;

/** What kind of answer a question's wording asks for: "when" → time, "how many" → quantity, "why" → reason, … */
export function expectedAnswerType(question: string): AnswerType {
  const q = question.toLowerCase();
  if (HOW_LONG.test(q) || ASKS_DURATION.test(q)) return "duration";
  if (HOW_MEASURE.test(q) || ASKS_QUANTITY.test(q) || /\bwhat (number|percentage|share)\b/.test(q)) return "quantity";
  if (ASKS_QUOTE.test(q)) return "quote";
  if (ASKS_REASON.test(q)) return "reason";
  if (/^\s*when\b|\bsince when\b|\bwhen\W*$/.test(q) || WHEN_ASKED.test(q) || ASKS_TIME.test(q)) return "time";
  if (/^\s*who\b|^\s*whom\b|\bwho\W*$/.test(q) || WHO_ASKED.test(q) || /\bwhich (person|people|leader|leaders|official|officials|minister|president)\b/.test(q)) return "person";
  if (/^\s*where\b|\bwhere\W*$/.test(q) || WHERE_ASKED.test(q)) return "place";
  return undefined;
}

/** Dates and years: numbers in them are not counts ("Jan. 17, 2025" does not answer "how many"). */
const DATES = new RegExp(`\\b(${MONTHS})\\.?\\s+\\d{1,2}(st|nd|rd|th)?(,?\\s+\\d{4})?|\\b\\d{1,2}(st|nd|rd|th)?\\s+(${MONTHS})\\b\\.?(,?\\s+\\d{4})?|\\b(1[89]|20)\\d{2}\\b`, "gi");

/**
 * Spans of time that are not how long something lasts: "the first strike in eleven years", "the
 * worst in a decade", "two years ago", "for the first time in 20 years".
 */
const NOT_DURATIONS = new RegExp(`\\b(?:first|worst|biggest|largest|highest|lowest|best|longest|only|most)\\b[^.;]{0,60}?\\bin\\s+(?:(?:\\d+|${NUMBER_WORDS}|a|an|several|many|few)[\\s-]+)?(?:years?|months?|weeks?|days?|decades?|centuries|century)\\b|\\b(?:\\d+|${NUMBER_WORDS}|a|an|several|many|few)[\\s-]+(?:years?|months?|weeks?|days?|hours?|decades?)\\s+(?:ago|earlier|before|later)\\b`, "gi");

/** Whether a quote contains the kind of thing the question asks for. */
export function hasAnswerType(text: string, type: AnswerType): boolean {
  if (type === undefined) return false;
  if (type === "duration") return EVIDENCE.duration.test(text.replace(DATES, " ").replace(NOT_DURATIONS, " "));
  return EVIDENCE[type].test(type === "quantity" ? text.replace(DATES, " ") : text);
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
