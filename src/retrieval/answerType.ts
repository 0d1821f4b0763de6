/** The kind of answer a question asks for, when its wording says so. */
export type AnswerType = "time" | "quantity" | "person" | "place" | undefined;

const MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec";
const NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|once|twice|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth";

const EVIDENCE: Record<Exclude<AnswerType, undefined>, RegExp> = {
  time: new RegExp(`\\b(${MONTHS})\\b|\\b(1[89]|20)\\d{2}\\b|\\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|last (year|month|week)|next (year|month|week))\\b`, "i"),
  quantity: new RegExp(`\\d|\\b(${NUMBER_WORDS})\\b`, "i"),
  person: /\b(President|Minister|Prime Minister|Ambassador|spokesman|spokesperson|commander|lecturer|Mr\.|Mrs\.|Ms\.|Dr\.)\s+[A-Z]|[a-z,]\s+[A-Z][a-z]+\s+[A-Z][a-z]+/,
  place: /\b(in|at|to|from|near)\s+(the\s+)?[A-Z][a-z]+/,
};

/** What kind of answer a question's wording asks for: "when" → time, "how many" → quantity, … */
export function expectedAnswerType(question: string): AnswerType {
  const q = question.toLowerCase();
  if (/\bhow (many|much|long|old|often|far)\b|\b(duration|how many years)\b|\bwhat (number|percentage|share)\b/.test(q)) return "quantity";
  if (/^\s*when\b|\bwhat (year|date|day|month|time)\b|\bsince when\b/.test(q)) return "time";
  if (/^\s*who\b|^\s*whom\b|\bwhich (person|people|leader|leaders|official|officials|minister|president)\b/.test(q)) return "person";
  if (/^\s*where\b/.test(q)) return "place";
  return undefined;
}

/** Whether a quote contains the kind of thing the question asks for. */
export function hasAnswerType(text: string, type: AnswerType): boolean {
  return type === undefined ? false : EVIDENCE[type].test(text);
}
