import type { KeywordIndex } from "../index/keyword.js";
import type { Span } from "../passages/sentences.js";
import { tokenize } from "../text/terms.js";

/** Longest quote: the eval's bar for "an answer, not an article", and readable in a Discord embed. */
export const MAX_QUOTE_CHARS = 600;

/** The sentence or two of a passage that best answer a question. */
export interface QuoteChoice extends Span {
  /** Share of the question's term weight (by rarity) that the quote contains, 0–1. */
  coverage: number;
  /** Query terms found in the quote. */
  matched: Set<string>;
}

/** The set of terms in a span of text. */
function termsOf(body: string, span: Span): Set<string> {
  return new Set(tokenize(body.slice(span.start, span.end)).filter((token) => !token.stop).map((token) => token.term));
}

/**
 * Picks the sentence of a passage whose words cover most of the question (weighted by rarity),
 * and adds a neighbouring sentence when it covers question terms the first one lacks.
 */
export function chooseQuote(body: string, sentences: readonly Span[], queryTerms: readonly string[], keyword: KeywordIndex): QuoteChoice {
  const weights = new Map(queryTerms.map((term) => [term, keyword.idf(term)]));
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0) || 1;
  const sentenceTerms = sentences.map((sentence) => termsOf(body, sentence));
  const gain = (terms: Set<string>) => {
    const matched = new Set([...weights.keys()].filter((term) => terms.has(term)));
    return { matched, weight: [...matched].reduce((sum, term) => sum + weights.get(term)!, 0) };
  };
  let best = 0;
  let bestGain = gain(sentenceTerms[0] ?? new Set());
  sentenceTerms.forEach((terms, i) => {
    const candidate = gain(terms);
    if (candidate.weight > bestGain.weight) {
      best = i;
      bestGain = candidate;
    }
  });
  let span: Span = { start: sentences[best]!.start, end: sentences[best]!.end };
  let matched = bestGain.matched;
  let weight = bestGain.weight;
  for (const neighbour of [best + 1, best - 1]) {
    const sentence = sentences[neighbour];
    if (!sentence) continue;
    const joined = { start: Math.min(span.start, sentence.start), end: Math.max(span.end, sentence.end) };
    if (joined.end - joined.start > MAX_QUOTE_CHARS) continue;
    const union = gain(new Set([...matched, ...sentenceTerms[neighbour]!]));
    if (union.weight > weight) {
      span = joined;
      matched = union.matched;
      weight = union.weight;
      break;
    }
  }
  if (span.end - span.start > MAX_QUOTE_CHARS) {
    // One enormous sentence: quote its opening words, cut at a word boundary.
    const cut = body.slice(span.start, span.start + MAX_QUOTE_CHARS).search(/\s\S*$/);
    span = { start: span.start, end: span.start + (cut > 0 ? cut : MAX_QUOTE_CHARS) };
  }
  return { ...span, coverage: weight / total, matched };
}
