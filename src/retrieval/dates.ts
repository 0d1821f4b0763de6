/**
 * Dates as people type them in a filter (`since:` / `until:`, `--since` / `--until`): an ISO day
 * (`2025-01-17`), a month (`jan 2025`, `2025-01`), a year (`2025`), a day in words
 * (`17 jan 2025`, `January 17, 2025`) or a time relative to now (`today`, `yesterday`,
 * `last week`, `last month`, `last year`, `3 days ago`). Each is a range of days; `since` takes
 * its first day and `until` its last. Pure: `now` is passed in.
 */
import { FilterError, type ArticleFilter } from "./scope.js";

/** A range of ISO days (YYYY-MM-DD), inclusive. */
export interface DayRange {
  from: string;
  to: string;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/** Full names and the usual abbreviations ("sept"), each to its month number (1–12). */
const MONTH_NAMES = new Map<string, number>(
  MONTHS.flatMap((short, i) => {
    const full = new Date(Date.UTC(2000, i, 1)).toLocaleString("en", { month: "long", timeZone: "UTC" }).toLowerCase();
    return [[short, i + 1], [full, i + 1], ...(short === "sep" ? [["sept", 9] as const] : [])] as [string, number][];
  }),
);
/** Years a filter may name: from the first newspapers to far enough ahead. */
const FIRST_YEAR = 1600;
const LAST_YEAR = 2999;

/** Units of "N … ago" in days (a month and a year counted by the calendar instead). */
const AGO = /^(\d{1,4}) (day|week|month|year)s? ago$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function isoDay(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function day(year: number, month: number, dayOfMonth: number): string | undefined {
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > daysInMonth(year, month)) return undefined;
  return `${pad(year, 4)}-${pad(month)}-${pad(dayOfMonth)}`;
}

function monthRange(year: number, month: number): DayRange | undefined {
  const from = day(year, month, 1);
  return from === undefined ? undefined : { from, to: day(year, month, daysInMonth(year, month))! };
}

/** `now` moved back by whole days, months or years (a month back from 31 March is the last of February). */
function back(now: Date, unit: "day" | "week" | "month" | "year", count: number): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  if (unit === "day" || unit === "week") return new Date(Date.UTC(y, m, d - count * (unit === "week" ? 7 : 1)));
  const months = unit === "month" ? count : count * 12;
  const target = new Date(Date.UTC(y, m - months, 1));
  return new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, daysInMonth(target.getUTCFullYear(), target.getUTCMonth() + 1))));
}

/** A relative time as one day (`since: last week` is from a week ago, `until: last week` up to a week ago). */
function relative(text: string, now: Date): string | undefined {
  if (text === "today") return isoDay(now);
  if (text === "yesterday") return isoDay(back(now, "day", 1));
  const last = /^(?:last|past|a) (week|month|year)(?: ago)?$/.exec(text);
  if (last) return isoDay(back(now, last[1] as "week" | "month" | "year", 1));
  const ago = AGO.exec(text);
  if (ago) return isoDay(back(now, ago[2] as "day" | "week" | "month" | "year", Number(ago[1])));
  return undefined;
}

/** A month's name or abbreviation as a number (1–12), or undefined. */
function monthOf(word: string): number | undefined {
  return MONTH_NAMES.get(word.replace(/\.$/, ""));
}

/** The range of days a typed date stands for, or undefined when it cannot be read (or names no real day). */
export function parseDayRange(typed: string, now: Date): DayRange | undefined {
  const text = typed.normalize("NFKC").toLowerCase().replace(/,/g, " ").replace(/\s+/g, " ").trim();
  if (text === "") return undefined;
  const rel = relative(text, now);
  if (rel !== undefined) return { from: rel, to: rel };
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (m) {
    const only = day(Number(m[1]), Number(m[2]), Number(m[3]));
    return only === undefined ? undefined : { from: only, to: only };
  }
  m = /^(\d{4})[-/](\d{1,2})$/.exec(text);
  if (m) return monthRange(Number(m[1]), Number(m[2]));
  m = /^(\d{4})$/.exec(text);
  if (m) {
    const year = Number(m[1]);
    return year < FIRST_YEAR || year > LAST_YEAR ? undefined : { from: day(year, 1, 1)!, to: day(year, 12, 31)! };
  }
  const words = text.split(" ");
  // "jan 2025", "january 2025"
  if (words.length === 2 && monthOf(words[0]!) !== undefined && /^\d{4}$/.test(words[1]!)) return monthRange(Number(words[1]), monthOf(words[0]!)!);
  // "17 jan 2025", "17th january 2025", "jan 17 2025", "january 17th, 2025"
  if (words.length === 3 && /^\d{4}$/.test(words[2]!)) {
    const [a, b] = [words[0]!, words[1]!];
    const dayWord = /^(\d{1,2})(?:st|nd|rd|th)?$/;
    const asDayFirst = dayWord.exec(a);
    const asDaySecond = dayWord.exec(b);
    const month = asDayFirst ? monthOf(b) : monthOf(a);
    const dayOfMonth = asDayFirst ? Number(asDayFirst[1]) : asDaySecond ? Number(asDaySecond[1]) : undefined;
    if (month === undefined || dayOfMonth === undefined) return undefined;
    const only = day(Number(words[2]), month, dayOfMonth);
    return only === undefined ? undefined : { from: only, to: only };
  }
  return undefined;
}

/** Examples the error message offers. */
const EXAMPLES = "2025-01-17, jan 2025, 2025, yesterday, last week, last month, 3 days ago";

/**
 * A filter's dates from what was typed: `since` as the first day of its range, `until` as the
 * last, both ISO days. Throws FilterError for a date that cannot be read, or a range that ends
 * before it starts.
 */
export function parseDateFilter(typed: { since?: string; until?: string }, now: Date): Pick<ArticleFilter, "since" | "until"> {
  const read = (name: "since" | "until", value: string | undefined): DayRange | undefined => {
    if (value === undefined || value.trim() === "") return undefined;
    const range = parseDayRange(value, now);
    if (!range) throw new FilterError(`Cannot read ${name} ${JSON.stringify(value.slice(0, 60))} as a date: write it like ${EXAMPLES}.`);
    return range;
  };
  const since = read("since", typed.since)?.from;
  const until = read("until", typed.until)?.to;
  if (since !== undefined && until !== undefined && since > until) throw new FilterError(`The dates are back to front: since ${since} is after until ${until}. Swap them.`);
  return { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
}
