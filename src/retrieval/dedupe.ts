import type { Quote } from "./answer.js";

/** Term overlap (Jaccard) at which two quotes from different articles state the same fact. */
export const SAME_FACT_OVERLAP = 0.5;

function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (a.size + b.size - shared);
}

function overlaps(a: Quote, b: Quote): boolean {
  return a.source.id === b.source.id && a.start < b.end && b.start < a.end;
}

/** A quote with the content terms (vocabulary ids) it contains, for comparing facts. */
export interface QuoteWithTerms {
  quote: Quote;
  terms: ReadonlySet<number>;
}

/**
 * Keeps the first (best) quote of each fact: a later quote overlapping an earlier one in the same
 * article is dropped, and one from another article with mostly the same terms becomes an
 * "also reported by" of the earlier. Order is kept; the inputs are not changed. Returns the kept
 * quotes (with their "also reported by") and, in the same order, the candidates they came from;
 * with `maxKept`, only the first that many (the same ones, with the same "also reported by").
 */
export function collapseSameFacts<T extends QuoteWithTerms>(candidates: readonly T[], maxKept = Infinity): { quotes: Quote[]; kept: T[] } {
  const kept: { quote: Quote; from: T }[] = [];
  for (const candidate of candidates) {
    const { quote } = candidate;
    if (kept.some((earlier) => overlaps(earlier.quote, quote))) continue;
    const same = kept.find((earlier) => earlier.quote.source.id !== quote.source.id && jaccard(earlier.from.terms, candidate.terms) >= SAME_FACT_OVERLAP);
    if (same) {
      const also = same.quote.alsoReportedBy;
      if (!also.includes(quote.source.id)) also.push(quote.source.id);
      continue;
    }
    // Past `maxKept`, later quotes only add to the kept ones' "also reported by".
    if (kept.length < maxKept) kept.push({ quote: { ...quote, alsoReportedBy: [...quote.alsoReportedBy] }, from: candidate });
  }
  return { quotes: kept.map((item) => item.quote), kept: kept.map((item) => item.from) };
}
