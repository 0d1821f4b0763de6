/**
 * The peer every quality figure is compared with: plain BM25 over the same quotable sentences,
 * with MiniSearch (its default tokenising, no stemming, no stop words), the top sentences taken as
 * quotes. It never refuses: there is always a best-scoring sentence.
 */
import MiniSearch from "minisearch";
import { offsetsIn, sourceOf } from "../corpus/article.js";
import type { IndexSnapshot } from "../index/snapshot.js";
import type { Answer, Quote } from "../retrieval/answer.js";

/** Quotes the baseline returns per question: as many as hit@3 and mrr@5 look at. */
const BASELINE_QUOTES = 5;

/** BM25 over every indexed sentence of a snapshot. */
export class SentenceBaseline {
  private readonly search = new MiniSearch<{ id: number; text: string }>({ fields: ["text"], storeFields: [] });
  private readonly spans: { articleId: string; start: number; end: number }[] = [];

  constructor(private readonly snapshot: IndexSnapshot) {
    const documents: { id: number; text: string }[] = [];
    for (const passage of snapshot.passages) {
      const body = snapshot.articles.get(passage.articleId)!.body;
      for (const sentence of passage.sentences) {
        documents.push({ id: this.spans.length, text: body.slice(sentence.start, sentence.end) });
        this.spans.push({ articleId: passage.articleId, start: sentence.start, end: sentence.end });
      }
    }
    this.search.addAll(documents);
  }

  /** The best sentences for a question, as an answer (always "answered" when anything matches). */
  ask(question: string): Answer {
    const results: Quote[] = this.search.search(question).slice(0, BASELINE_QUOTES).map((hit, _, hits) => {
      const span = this.spans[hit.id as number]!;
      const article = this.snapshot.articles.get(span.articleId)!;
      return { quote: article.body.slice(span.start, span.end), source: sourceOf(article), start: span.start, end: span.end, offsetsIn: offsetsIn(article.file), score: hit.score / hits[0]!.score, alsoReportedBy: [], focus: { start: span.start, end: span.end } };
    });
    return { question, answered: results.length > 0, results };
  }
}
