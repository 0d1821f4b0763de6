import { sourceOf } from "../corpus/article.js";
import type { Embedder } from "../embeddings/embedder.js";
import type { IndexSnapshot } from "../index/snapshot.js";
import { tokenize } from "../text/terms.js";
import { validateQuestion, type Answer, type Quote } from "./answer.js";
import { collapseSameFacts, type QuoteWithTerms } from "./dedupe.js";
import { reciprocalRankFusion } from "./fusion.js";
import { chooseQuote } from "./quotes.js";
import { dotAll, topScores } from "./vectorSearch.js";

/** Candidates taken from each of the keyword and vector rankings before fusing. */
const CANDIDATES_PER_RANKING = 40;
/** Weight of the keyword ranking in the fusion (the vector ranking has 1). */
const KEYWORD_WEIGHT = 1;
/** Weight of the vector ranking in the fusion. */
const VECTOR_WEIGHT = 1;
/** Confidence below which the top quote is not taken as an answer. */
export const ANSWER_THRESHOLD = 0.35;
/** Quotes shown by default: "the three or four passages that answer it". */
export const DEFAULT_RESULT_COUNT = 4;
/** Quotes offered when nothing answers: the closest few, marked low confidence. */
const UNANSWERED_RESULT_COUNT = 3;

/** What one question may ask for beyond the defaults. */
export interface AskOptions {
  /** How many quotes to return at most (for paging). */
  limit?: number;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Answers questions from one loaded index with one loaded model. Safe to share; holds no per-question state. */
export class Retriever {
  constructor(
    readonly snapshot: IndexSnapshot,
    private readonly embedder: Embedder,
  ) {}

  /** Answers a question with verbatim quotes, best first. Throws QuestionError for a bad question. */
  async ask(rawQuestion: string, options: AskOptions = {}): Promise<Answer> {
    const question = validateQuestion(rawQuestion);
    const { snapshot } = this;
    const limit = options.limit ?? DEFAULT_RESULT_COUNT;
    const queryTerms = [...new Set(tokenize(question).filter((token) => !token.stop).map((token) => token.term))];

    const keywordHits = snapshot.keyword.search(new Map(queryTerms.map((term) => [term, 1])), CANDIDATES_PER_RANKING);
    const queryVector = await this.embedder.embedQuery(question);
    const similarities = dotAll(snapshot.vectors, snapshot.dimensions, queryVector);
    const vectorHits = topScores(similarities, CANDIDATES_PER_RANKING);
    const fused = reciprocalRankFusion([
      { items: keywordHits.map((hit) => hit.doc), weight: KEYWORD_WEIGHT },
      { items: vectorHits.map((hit) => hit.row), weight: VECTOR_WEIGHT },
    ]);

    const candidates: QuoteWithTerms[] = [];
    for (const { item } of fused) {
      const passage = snapshot.passages[item]!;
      const article = snapshot.articles.get(passage.articleId)!;
      const choice = chooseQuote(article.body, passage.sentences, queryTerms, snapshot.keyword);
      const similarity = similarities[item]!;
      const score = clamp01(0.65 * choice.coverage + 0.35 * clamp01((similarity - 0.2) / 0.6));
      const quote: Quote = { quote: article.body.slice(choice.start, choice.end), source: sourceOf(article), start: choice.start, end: choice.end, score: Math.round(score * 1000) / 1000, alsoReportedBy: [] };
      candidates.push({ quote, terms: new Set(tokenize(quote.quote).filter((token) => !token.stop).map((token) => token.term)) });
    }
    const collapsed = collapseSameFacts(candidates);
    const answered = (collapsed[0]?.score ?? 0) >= ANSWER_THRESHOLD;
    const count = answered ? limit : Math.min(limit, UNANSWERED_RESULT_COUNT);
    return { question, answered, results: collapsed.slice(0, count) };
  }
}
