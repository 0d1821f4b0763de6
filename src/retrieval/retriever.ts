import { LRUCache } from "lru-cache";
import { offsetsIn, sourceOf, type Article } from "../corpus/article.js";
import type { Embedder } from "../embeddings/embedder.js";
import type { IndexSnapshot } from "../index/snapshot.js";
import { FileSource, type Gathered, type IndexSource, type IndexView, type Lexicon } from "../index/source.js";
import type { Passage } from "../passages/passages.js";
import type { Span } from "../passages/sentences.js";
import { tokenize } from "../text/terms.js";
import { foreignLanguage } from "./language.js";
import { plainQuestion } from "./chatQuestion.js";
import { MAX_QUOTE_CHARS, validateQuestion, type Answer, type Quote } from "./answer.js";
import { answerTypeWords, expectedAnswerType, hasAnswerType, type AnswerType } from "./answerType.js";
import { collapseSameFacts, type QuoteWithTerms } from "./dedupe.js";
import { SoftMatcher, type QueryTerm } from "./softMatch.js";
import { modelScore, probability, type AnswerFeatures, type CandidateFeatures, type Judge, type LearnedModels } from "./rankingModel.js";
import { matchDensity, pairShare, QUESTION_KIND_FEATURES, questionKind } from "./features.js";
import { lap } from "../stageClock.js";
import { allowedArticles, scopeKey, type ArticleFilter, type ArticleScope } from "./scope.js";

/** Words that, opening a sentence, point back to something named in the sentence before. */
const REFERRING_OPENERS = /^(he|she|it|they|his|her|its|their|this|these|that|those|the two|both)\b/i;

/** A word written with a capital: inside a question, a name. */
const STARTS_UPPERCASE = /^\p{Lu}/u;

/** Best first; ties by article and place, so the order never depends on the candidates' order. */
function byRank(a: ScoredCandidate, b: ScoredCandidate): number {
  return b.rank - a.rank || (a.quote.source.id < b.quote.source.id ? -1 : a.quote.source.id > b.quote.source.id ? 1 : a.quote.start - b.quote.start);
}

/** Candidates (by hand-tuned rank) that the learned ranking re-ranks: see rank(). */
export const LEARNED_RERANK_DEPTH = 50;
/** Kept quotes whose ranks the refusal reads (answerFeatures' rankSpread). */
export const REFUSAL_RANKS = 10;
/** Candidate passages taken from each of the keyword and vector rankings. */
const CANDIDATES_PER_RANKING = 40;

/** How a candidate sentence's rank is made up; tuned on test/fixtures/questions.json (see README). */
export interface RankingWeights {
  /** Question terms found only in the quote's neighbouring sentences (context, e.g. the name "he" refers to). */
  context: number;
  /** The passage's vector similarity to the question. */
  vector: number;
  /** The passage's BM25 score relative to the best one. */
  keyword: number;
  /** The quote holds the kind of thing the question asks for (a date for "when", a number for "how many"). */
  answerType: number;
  /** The quote spells the question's words as the question does ("signed", not only "signing"). */
  exact: number;
  /** A neighbouring sentence joins the quote when it adds at least this share of the question. */
  extendMinGain: number;
}

/** Which ranking orders the quotes: the hand-tuned weights, or the model learned from SQuAD. */
export type Ranking = "hand" | "learned";

/** The weights in use. */
export const DEFAULT_WEIGHTS: Readonly<RankingWeights> = Object.freeze({ context: 0.5, vector: 0.5, keyword: 0, answerType: 0.5, exact: 0.3, extendMinGain: 0.1 });
/**
 * Confidence below which the top quote is not taken as an answer: the highest that refuses at
 * most 2.5% of the answerable SQuAD validation questions (`npm run threshold`, bundled model).
 */
export const ANSWER_THRESHOLD = 0.48;
/** Quotes shown by default: "the three or four passages that answer it". */
export const DEFAULT_RESULT_COUNT = 4;
/** Quotes offered when nothing answers: the closest few, marked low confidence. */
const UNANSWERED_RESULT_COUNT = 3;

/** What one question may ask for beyond the defaults. */
export interface AskOptions {
  /** How many quotes to return at most (for paging). */
  limit?: number;
  /** Who asks: a server sees the shared articles and its own; without one, the shared articles only. */
  scope?: ArticleScope;
  /** Only articles of these outlets or dates (a FilterError when that cannot be applied). */
  filter?: ArticleFilter;
}

/** Scopes and filters whose views a retriever keeps (each a mask of its passages and a lexicon): the busiest servers' stay made. */
const CACHED_VIEWS = 64;

/**
 * Articles whose title terms are kept between questions (the judge's title feature reads each
 * candidate's; tokenising one title takes ~50 µs): every article of a corpus up to this size, the
 * most recently used of a larger one, so that the bot's memory does not grow with the corpus
 * (about 650 bytes an article).
 */
const TITLE_CACHE_ARTICLES = 20_000;

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** A candidate quote with what the ranking knows of it. */
export interface ScoredCandidate extends QuoteWithTerms {
  rank: number;
  /** The candidate passage the quote comes from: its offsets in the article (for telling where an answer was lost). */
  passage: Span;
  features: CandidateFeatures;
  /** Fills in the features only a learned model reads, if they are not there yet. */
  complete: () => void;
}
type Scored = ScoredCandidate;

/** One question's candidates, ranked best first, and what the refusal needs. */
export interface RankedCandidates {
  question: string;
  candidates: ScoredCandidate[];
  unmentioned: string[];
  /** Weighted share of the question's terms that no article uses. */
  unknownShare: number;
  /** How many of the question's terms no article uses (after typo correction). */
  unknownCount: number;
  questionTerms: number;
  /** The features every candidate of the question shares (its kind, length, the corpus's size), and the best article's share. */
  questionFeatures: Readonly<Record<string, number>>;
  bestArticleShare: number;
}

/** Features of a question that every candidate shares. */
function questionFeaturesOf(question: string, answerType: AnswerType, questionTerms: number, articles: number): Record<string, number> {
  return {
    ...questionKind(question, answerType),
    questionTerms: Math.min(questionTerms, 12) / 12,
    // Many features read differently in six articles and in ten thousand (how rare a word is,
    // how many candidates one article has): the corpus's size lets a learned model tell.
    corpusSize: Math.log10(1 + articles),
  };
}

/**
 * Makes a candidate's features whole for the refusal and the score (answerFeatures), when they
 * were not all worked out for the ranking: its own learned features, and the question's.
 */
export function completeForJudge(ranked: RankedCandidates, candidate: ScoredCandidate): void {
  if (candidate.features.corpusSize !== undefined) return;
  candidate.complete();
  Object.assign(candidate.features, ranked.questionFeatures, { articleShareBehind: ranked.bestArticleShare - candidate.features.articleShare });
}

/** The refusal's view of one quote at a place in the ranking: the quote's own features, how far it leads the next, and the question's. */
export function answerFeatures(ranked: RankedCandidates, candidate: ScoredCandidate, next: ScoredCandidate | undefined, ranks: readonly number[], place = 0): AnswerFeatures {
  const top = ranks.slice(0, REFUSAL_RANKS);
  const mean = top.length === 0 ? 0 : top.reduce((sum, r) => sum + r, 0) / top.length;
  const f = candidate.features;
  const kind = Object.fromEntries(QUESTION_KIND_FEATURES.map((name) => [name, f[name] ?? 0]));
  return {
    topRank: candidate.rank,
    margin: next ? candidate.rank - next.rank : 1,
    rankSpread: candidate.rank - mean,
    topQuoteShare: f.quoteShare,
    topExactShare: f.exactShare,
    topSimilarity: f.similarity,
    topExact: f.exact,
    topTyped: f.typed - f.typeMissing,
    topArticleShare: f.articleShare,
    topTitleShare: f.titleShare,
    topRarestCovered: f.rarestCovered,
    topPairShare: f.pairShare,
    topSentenceSimilarity: f.sentenceSimilarity,
    bestArticleShare: f.articleShare + f.articleShareBehind,
    unknownShare: ranked.unknownShare,
    unknownCount: Math.min(ranked.unknownCount, 5) / 5,
    unknownNames: Math.min(ranked.unmentioned.length, 3) / 3,
    questionTerms: Math.min(ranked.questionTerms, 12) / 12,
    corpusSize: f.corpusSize,
    place,
    ...kind,
  } as AnswerFeatures;
}

/** What the learned ranking knows of a candidate's article (see Retriever.articleViews). */
interface ArticleView {
  /** Weighted share of the question the whole article uses (exact terms). */
  share: number;
  /** Weighted share of the question its title and outlet use. */
  titleShare: number;
  /** Share of the question's candidate passages that come from this article. */
  passages: number;
  /** Its first passage's index. */
  first: number;
}

/** What every candidate of one question shares. */
interface QuestionContext {
  matcher: SoftMatcher;
  answerType: AnswerType;
  /** By article id; empty unless the learned features are computed. */
  articles: ReadonlyMap<string, ArticleView>;
  /** The question's terms' word vectors, averaged by weight and normalised (undefined without learned features). */
  vector: Float32Array | undefined;
  /** The question's words, lowercase, for telling what a quote adds to them. */
  words: ReadonlySet<string>;
}

/** One candidate passage as its sentences' quotes see it. */
interface PassageAt {
  item: number;
  article: Article;
  /** The passage's sentences, after the linked sentence before it when there is one. */
  sentences: readonly Span[];
  sentenceTerms: readonly ArrayLike<number>[];
  /** Each sentence's coverage of the question (the linked sentence's too). */
  coverages: readonly Float32Array[];
  shares: readonly number[];
  passageShare: number;
  linked: boolean;
  view: ArticleView | undefined;
  /** The candidate passage's offsets in its article. */
  passage: Span;
}

/** Features the learned ranking compares across one question's candidates: each value against the best of them. */
const RELATIVE_FEATURES = ["quoteShare", "similarity", "exactShare", "exact", "articleShare", "titleShare", "pairShare", "sentenceSimilarity"] as const;

/** Adds what depends on the whole question to each candidate's features: its kind, its length, and the relative values. */
function addQuestionFeatures(scored: Scored[], questionFeatures: Readonly<Record<string, number>>): void {
  for (const name of RELATIVE_FEATURES) {
    let best = -Infinity;
    for (const candidate of scored) best = Math.max(best, candidate.features[name] ?? 0);
    for (const candidate of scored) candidate.features[`${name}Behind` as keyof CandidateFeatures] = best - (candidate.features[name] ?? 0);
  }
  // The same against the best of the candidates from the same article: which of its sentences answers.
  const bestInArticle = new Map<string, { share: number; similarity: number }>();
  for (const candidate of scored) {
    const id = candidate.quote.source.id;
    const best = bestInArticle.get(id) ?? { share: 0, similarity: -1 };
    bestInArticle.set(id, { share: Math.max(best.share, candidate.features.quoteShare), similarity: Math.max(best.similarity, candidate.features.sentenceSimilarity ?? 0) });
  }
  for (const candidate of scored) {
    const best = bestInArticle.get(candidate.quote.source.id)!;
    Object.assign(candidate.features, questionFeatures, {
      shareBehindInArticle: best.share - candidate.features.quoteShare,
      sentenceSimilarityBehindInArticle: best.similarity - (candidate.features.sentenceSimilarity ?? 0),
    });
  }
}

/** Words of a text, lowercase. */
const WORDS = /[\p{L}\p{N}]+/gu;
/** A capitalised word inside a sentence (not its first): a name. */
const NAME_INSIDE = /(?<=[\p{L}\p{N},;:)] )\p{Lu}[\p{L}\p{N}]+/gu;
const NUMBER = /\p{N}+(?:[.,]\p{N}+)*/gu;

/** A mean of vectors by weight, made unit length; undefined when none is given. */
function weightedMean(vectors: readonly (Float32Array | undefined)[], weights: readonly number[], dimensions: number): Float32Array | undefined {
  const sum = new Float32Array(dimensions);
  let any = false;
  vectors.forEach((vector, i) => {
    if (!vector) return;
    any = true;
    for (let k = 0; k < dimensions; k++) sum[k]! += weights[i]! * vector[k]!;
  });
  let norm = 0;
  for (let k = 0; k < dimensions; k++) norm += sum[k]! * sum[k]!;
  if (!any || norm === 0) return undefined;
  const scale = 1 / Math.sqrt(norm);
  for (let k = 0; k < dimensions; k++) sum[k]! *= scale;
  return sum;
}

/**
 * What a quote says beyond the question's own words: an answer is something the question does
 * not already hold. Names and numbers it adds (capped counts), and the share of its words that
 * are new.
 */
function novelty(text: string, questionWords: ReadonlySet<string>): { newNames: number; newNumbers: number; newWords: number } {
  let names = 0;
  for (const match of text.matchAll(NAME_INSIDE)) if (!questionWords.has(match[0].toLowerCase())) names++;
  let numbers = 0;
  for (const match of text.matchAll(NUMBER)) if (!questionWords.has(match[0])) numbers++;
  const words = text.toLowerCase().match(WORDS) ?? [];
  const fresh = words.filter((word) => !questionWords.has(word)).length;
  return { newNames: Math.min(names, 5) / 5, newNumbers: Math.min(numbers, 3) / 3, newWords: words.length === 0 ? 0 : fresh / words.length };
}

/** Whether `word` (lowercase) stands in `lower` as a whole word. */
function hasWord(lower: string, word: string): boolean {
  for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
    const before = lower.charCodeAt(at - 1);
    const after = lower.charCodeAt(at + word.length);
    if (!isWordChar(before) && !isWordChar(after)) return true;
  }
  return false;
}

function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code > 0xbf;
}

/** Weighted share of the question's words that the text spells exactly as the question does. */
function exactShare(query: readonly QueryTerm[], text: string): number {
  const lower = text.toLowerCase();
  let total = 0;
  let exact = 0;
  for (const q of query) {
    total += q.weight;
    if (hasWord(lower, q.spelling)) exact += q.weight;
  }
  return total === 0 ? 0 : exact / total;
}

/** Answers questions from one loaded index with one loaded model. Holds no per-question state. */
export class Retriever {
  /** The index, from whichever store holds it. */
  readonly source: IndexSource;
  /** See titleTermsOf(). */
  private readonly titlesOfArticles = new LRUCache<string, ReadonlySet<string>>({ max: TITLE_CACHE_ARTICLES });
  /** See view(): by scopeKey, the least recently used first. */
  private readonly views = new Map<string, IndexView>();

  /** What scores the quotes and decides refusals: the learned models for the ranking in use, or none (the fixed blend and threshold). */
  private readonly judge: Judge | undefined;

  constructor(
    /** The index, from whichever store holds it (a loaded build folder is served in place). */
    index: IndexSource | IndexSnapshot,
    readonly embedder: Embedder,
    /** The learned models; without them, the hand-tuned weights rank and the fixed blend and threshold decide. */
    readonly models?: LearnedModels,
    /** With models: which ranking orders the quotes (each has its own learned scores and refusal). */
    readonly ranking: Ranking = "learned",
    private readonly weights: Readonly<RankingWeights> = DEFAULT_WEIGHTS,
  ) {
    this.judge = models ? models[ranking] : undefined;
    this.source = "gather" in index ? index : new FileSource(index);
  }

  /** The same model, models and ranking over another index (a rebuilt one). */
  withSource(source: IndexSource): Retriever {
    return new Retriever(source, this.embedder, this.models, this.ranking, this.weights);
  }

  /**
   * Builds now what a question may otherwise have to build: the title terms no article's text
   * uses (wanted when a question uses such a word; 0.5 s at 10,000 articles), each article's own
   * title terms (the judge's title feature, another 0.5 s; up to TITLE_CACHE_ARTICLES articles),
   * the typo index (45 ms) and the vector scan's int8 rows (the PostgreSQL store: reads its word vectors into their
   * cache), so that no user's question pays for them. The bot does this at start; a one-shot
   * `verbatim ask` does not.
   */
  async warmUp(): Promise<void> {
    await this.source.warmUp();
    if (!this.judge) return;
    let warmed = 0;
    for (const id of this.source.articles.keys()) {
      if (warmed++ === TITLE_CACHE_ARTICLES) break;
      this.titleTermsOf(id);
    }
  }

  /**
   * What a question in `scope` with `filter` reads of the index: the whole index when that is
   * every article (no server has its own, nothing filtered), otherwise the view of the allowed
   * articles, made once per scope and filter and kept (CACHED_VIEWS). Throws FilterError for a
   * filter that cannot be applied (an unknown outlet, dates back to front, no article left). A
   * view's lexicon may need its `prepare` awaited before it is read (the PostgreSQL store's).
   */
  view(scope: ArticleScope = {}, filter: ArticleFilter = {}): IndexView {
    const key = scopeKey(scope, filter);
    const known = this.views.get(key);
    if (known) {
      this.views.delete(key);
      this.views.set(key, known);
      return known;
    }
    const allowed = allowedArticles(this.source.articles.values(), scope, filter);
    const view: IndexView = allowed === undefined ? this.source : this.source.restrict(allowed);
    this.views.set(key, view);
    if (this.views.size > CACHED_VIEWS) this.views.delete(this.views.keys().next().value!);
    return view;
  }

  /** The article's sentence just before a passage (the previous passage's last), when there is one. */
  private previousSentence(g: Gathered, item: number): { span: Span; passage: number; k: number } | undefined {
    const before = g.passage(item - 1);
    if (!before || before.articleId !== g.passage(item)!.articleId) return undefined;
    return { span: before.sentences.at(-1)!, passage: item - 1, k: before.sentences.length - 1 };
  }

  /**
   * One article's title and outlet terms, tokenised when first asked for: a question needs only its
   * candidates' (tokenising all 10,000 titles up front took 470 ms of a cold start). The
   * TITLE_CACHE_ARTICLES most recently used are kept.
   */
  private titleTermsOf(articleId: string): ReadonlySet<string> {
    let terms = this.titlesOfArticles.get(articleId);
    if (!terms) {
      const article = this.source.articles.get(articleId);
      terms = new Set(article ? tokenize(`${article.title} ${article.outlet}`).map((token) => token.term) : []);
      this.titlesOfArticles.set(articleId, terms);
    }
    return terms;
  }

  /**
   * The question's content terms, weighted by rarity, with their word vectors; and the names it
   * writes (capitalised, not as its first word) that no article uses, as written. A word no article
   * uses is taken for the closest word they do use, when one is a typo away ("pezeshkain").
   */
  private async queryTerms(question: string, lexicon: Lexicon): Promise<{ terms: QueryTerm[]; unmentioned: string[] }> {
    const seen = new Map<string, string>();
    const unmentioned = new Set<string>();
    tokenize(question).forEach((token, i) => {
      if (token.stop) return;
      if (!lexicon.has(token.term) && !lexicon.isTitleOnlyTerm(token.term)) {
        const corrected = lexicon.correct(token.spelling);
        if (corrected) token = { ...token, ...corrected };
      }
      if (!seen.has(token.term)) seen.set(token.term, token.spelling);
      const written = question.slice(token.start, token.end);
      if (i > 0 && STARTS_UPPERCASE.test(written) && !lexicon.has(token.term) && !lexicon.isTitleOnlyTerm(token.term)) unmentioned.add(written.replace(/['’]s?$/, ""));
    });
    const spellings = [...seen.values()];
    const vectors = await this.embedder.embedDocuments(spellings);
    const typeWords = answerTypeWords(question);
    const terms = [...seen.keys()].map((term, i) => ({ term, spelling: spellings[i]!, weight: lexicon.idf(term), vector: vectors[i], namesAnswerType: typeWords.has(spellings[i]!) }));
    return { terms, unmentioned: [...unmentioned] };
  }

  /**
   * Every candidate quote for a question, ranked best first, with its features. Those only a
   * learned model reads are worked out for every candidate with `allFeatures` (the default for the
   * learned ranking, and for training); otherwise only what the learned scores and refusal need
   * is prepared, and `completeForJudge` finishes the few candidates they read. Throws
   * QuestionError for a bad question, FilterError for a filter that cannot be applied. Only the
   * articles `within` allows are read (see view()).
   */
  async rank(rawQuestion: string, allFeatures = this.models !== undefined && this.ranking === "learned", within: { scope?: ArticleScope; filter?: ArticleFilter } = {}): Promise<RankedCandidates> {
    const question = validateQuestion(rawQuestion);
    const source = this.view(within.scope, within.filter);
    await source.prepare?.();
    // What is asked, without chat filler and shorthand ("ok dumb question but … or nah").
    const asked = plainQuestion(question);
    const { terms: query, unmentioned } = await this.queryTerms(asked, source.lexicon);
    const queryVector = await this.embedder.embedQuery(asked);
    lap("tokenise");
    const g = await source.gather(query.map((q) => q.term), queryVector, CANDIDATES_PER_RANKING);
    lap("vector scan");
    const matcher = new SoftMatcher(query, g.vocabulary);
    const answerType = expectedAnswerType(asked);

    const { keywordHits, vectorHits } = g;
    const keywordScore = new Map(keywordHits.map((hit) => [hit.doc, hit.score / keywordHits[0]!.score]));
    const keywordPlace = new Map(keywordHits.map((hit, i) => [hit.doc, i]));
    const vectorPlace = new Map(vectorHits.map((hit, i) => [hit.row, i]));
    const candidates = new Set([...keywordHits.map((hit) => hit.doc), ...vectorHits.map((hit) => hit.row)]);
    const context: QuestionContext = {
      matcher,
      answerType,
      articles: allFeatures || this.judge ? this.articleViews(g, candidates, matcher) : new Map(),
      vector: allFeatures || this.judge ? weightedMean(query.map((q) => q.vector), query.map((q) => q.weight), g.vocabulary.dimensions) : undefined,
      words: new Set(asked.toLowerCase().match(WORDS) ?? []),
    };

    const scored: Scored[] = [];
    for (const item of candidates) {
      const passage = g.passage(item)!;
      const place = { keyword: keywordPlace.get(item), vector: vectorPlace.get(item) };
      for (const quote of this.passageQuotes(g, item, passage, this.previousSentence(g, item), context, g.similarity(item), keywordScore.get(item), place)) scored.push(quote);
    }
    const questionFeatures = questionFeaturesOf(asked, answerType, query.length, source.articles.size);
    scored.sort(byRank);
    if (allFeatures) {
      // The learned ranking re-ranks the hand-tuned ranking's first LEARNED_RERANK_DEPTH
      // candidates (which hold the answer for 96% of SQuAD validation questions that have one
      // among all of them): their learned features are worked out, the rest follow in hand order.
      const deep = scored.slice(0, LEARNED_RERANK_DEPTH);
      for (const candidate of deep) candidate.complete();
      addQuestionFeatures(deep, questionFeatures);
      if (this.models && this.ranking === "learned") {
        for (const candidate of deep) candidate.rank = modelScore(this.models.ranker, candidate.features);
        deep.sort(byRank);
        const floor = (deep.at(-1)?.rank ?? 0) - 1;
        scored.slice(deep.length).forEach((candidate, i) => (candidate.rank = floor - i * 1e-6));
        scored.splice(0, deep.length, ...deep);
      }
    }
    const totalWeight = query.reduce((sum, q) => sum + q.weight, 0);
    const unknownWeight = query.reduce((sum, q) => sum + (source.lexicon.has(q.term) ? 0 : q.weight), 0);
    const unknownCount = query.filter((q) => !source.lexicon.has(q.term)).length;
    let bestArticleShare = 0;
    for (const view of context.articles.values()) bestArticleShare = Math.max(bestArticleShare, view.share);
    lap("candidate features");
    return { question, candidates: scored, unmentioned, unknownShare: totalWeight === 0 ? 0 : unknownWeight / totalWeight, unknownCount, questionTerms: query.length, questionFeatures, bestArticleShare };
  }

  /**
   * Cosine similarity of the question's and a quote's word vectors, each averaged by rarity: a
   * sentence-level view of meaning (the passage vectors see the whole passage), from the
   * vectors the index already holds.
   */
  private sentenceSimilarity(g: Gathered, question: Float32Array | undefined, lists: readonly ArrayLike<number>[]): number {
    if (!question) return 0;
    const { vectors, dimensions } = g.vocabulary;
    const sum = new Float32Array(dimensions);
    for (const list of lists) {
      for (let t = 0; t < list.length; t++) {
        const id = list[t]!;
        const w = g.termWeight(id);
        const base = id * dimensions;
        for (let k = 0; k < dimensions; k++) sum[k]! += w * vectors[base + k]!;
      }
    }
    let dot = 0;
    let norm = 0;
    for (let k = 0; k < dimensions; k++) {
      dot += sum[k]! * question[k]!;
      norm += sum[k]! * sum[k]!;
    }
    return norm === 0 ? 0 : dot / Math.sqrt(norm);
  }

  /**
   * For each query term (vocabulary id, -1 when the corpus never uses it), 1 when one of the
   * article's quotable sentences uses it: a look-up in the term's keyword postings (whose
   * documents are the passages, built from the same sentence terms), as building a set of each
   * candidate article's terms was a fifth of a question's time at 10,000 articles.
   */
  private articleCoverage(g: Gathered, item: number, ids: Int32Array): Float32Array {
    const { first, end } = g.articleRange(item);
    return Float32Array.from(ids, (id) => (id >= 0 && g.hasTermIn(id, first, end) ? 1 : 0));
  }

  /**
   * What the learned ranking knows of each candidate passage's article: how much of the question
   * the whole article and its title use (the article a question is about names its subject
   * somewhere, if not in the answer sentence), and how many candidate passages it has.
   */
  private articleViews(g: Gathered, candidates: ReadonlySet<number>, matcher: SoftMatcher): Map<string, ArticleView> {
    const views = new Map<string, ArticleView>();
    const ids = matcher.queryIds;
    for (const item of candidates) {
      const articleId = g.passage(item)!.articleId;
      const known = views.get(articleId);
      if (known) {
        known.passages++;
        continue;
      }
      const covered = this.articleCoverage(g, item, ids);
      const title = this.titleTermsOf(articleId);
      const inTitle = Float32Array.from(matcher.query, (q) => (title.has(q.term) ? 1 : 0));
      views.set(articleId, { share: matcher.share(covered), titleShare: matcher.share(inTitle), passages: 1, first: g.articleRange(item).first });
    }
    for (const view of views) view[1].passages /= candidates.size;
    return views;
  }

  /**
   * Answers a question with verbatim quotes, best first, from the articles its scope and filter
   * allow. Throws QuestionError for a bad question, FilterError for a filter that cannot be applied.
   */
  async ask(rawQuestion: string, options: AskOptions = {}): Promise<Answer> {
    const limit = options.limit ?? DEFAULT_RESULT_COUNT;
    const ranked = await this.rank(rawQuestion, undefined, options);
    const { question, unmentioned } = ranked;
    // A question in another language matches only its names: no quotes, a note instead.
    const language = foreignLanguage(question, ranked.unknownCount / Math.max(1, ranked.questionTerms));
    if (language) return { question, answered: false, results: [], language };
    // Only the quotes that can be shown, and the ten the refusal reads, are needed.
    const { quotes: collapsed, kept } = collapseSameFacts(ranked.candidates, Math.max(limit + 1, REFUSAL_RANKS));
    const learned = this.judge;
    let scores: number[];
    let answered: boolean;
    if (learned) {
      // Each quote's score is P(it answers), taken at its place in the ranking (only the quotes
      // shown are scored); whether the question is answered at all is the refusal model's
      // P(the articles answer it), from the first quote's view.
      const { answer, calibration, refusal, refusalCalibration } = learned;
      // The refusal's features read the first ten kept quotes' ranks (answerFeatures' rankSpread).
      for (const candidate of kept.slice(0, limit)) completeForJudge(ranked, candidate);
      const ranks = kept.map((candidate) => candidate.rank);
      const features = kept.slice(0, limit).map((candidate, i) => answerFeatures(ranked, candidate, kept[i + 1], ranks, i));
      scores = features.map((f) => Math.round(probability(calibration, modelScore(answer, f)) * 1000) / 1000);
      // A name no article mentions ("the prime minister of Japan") also refuses: on SQuAD train, 93% of
      // such questions are not answerable, a signal the trees weigh against the rest too lightly.
      answered = features.length > 0 && unmentioned.length === 0 && probability(refusalCalibration, modelScore(refusal, features[0]!)) >= learned.threshold;
    } else {
      scores = collapsed.map((quote) => quote.score);
      // A question about a name no article mentions ("the prime minister of Japan") is not one
      // the articles answer, however well its other words match.
      answered = unmentioned.length === 0 && (scores[0] ?? 0) >= ANSWER_THRESHOLD;
    }
    // Scores read in the order shown: never above the score of a quote ranked before.
    let ceiling = 1;
    const results = collapsed.slice(0, scores.length).map((quote, i) => ((ceiling = Math.min(ceiling, scores[i]!)), { ...quote, score: ceiling }));
    const count = answered ? limit : Math.min(limit, UNANSWERED_RESULT_COUNT);
    lap("judge");
    return { question, answered, results: results.slice(0, count), ...(unmentioned.length > 0 ? { unmentioned } : {}) };
  }

  /**
   * The candidate quotes of one passage: each of its sentences that meets the question (or, when
   * none does, the passage's first), joined with a neighbour when that adds enough of the
   * question, each with its hand rank, confidence and features.
   */
  private passageQuotes(g: Gathered, item: number, passage: Passage, previous: { span: Span; passage: number; k: number } | undefined, question: QuestionContext, similarity: number, keywordHit: number | undefined, place: { keyword: number | undefined; vector: number | undefined }): Scored[] {
    const { matcher } = question;
    const article = g.article(passage.articleId);
    const body = article.body;
    // A passage opening with "He …" or "This …" takes the sentence before it as context (and may
    // quote it), when only white space separates them. Any other passage takes it as context only,
    // across a paragraph break too: news often gives each sentence a paragraph of its own, and the
    // sentence before names whom "According to Esbati, …" is about.
    const opener = passage.sentences[0]!;
    const linked = previous && REFERRING_OPENERS.test(body.slice(opener.start, opener.end)) && body.slice(previous.span.end, opener.start).trim() === "" ? previous : undefined;
    const sentences = linked ? [linked.span, ...passage.sentences] : passage.sentences;
    const own = passage.sentences.map((_, k) => g.sentenceTerms(item, k));
    const sentenceTerms = linked ? [g.sentenceTerms(linked.passage, linked.k), ...own] : own;
    // Each sentence's coverage of the question is worked out once; a quote of several sentences,
    // or the passage, covers what any of its sentences covers.
    const coverages = sentenceTerms.map((terms) => matcher.coverage(terms));
    const passageCoverage = SoftMatcher.union(...coverages, ...(previous && !linked ? [matcher.coverage(g.sentenceTerms(previous.passage, previous.k))] : []));
    // The linked sentence before is context: never the quote's own best sentence.
    const shares = coverages.map((coverage, i) => (linked && i === 0 ? 0 : matcher.share(coverage)));
    const passageShare = matcher.share(passageCoverage);
    const firstOwn = linked ? 1 : 0;
    let best = firstOwn;
    shares.forEach((share, i) => {
      if (share > shares[best]!) best = i;
    });
    const view = question.articles.get(passage.articleId);
    const out: Scored[] = [];
    for (let s = firstOwn; s < sentences.length; s++) {
      // A sentence with none of the question's words is no candidate, unless the passage has none better.
      if (s !== best && shares[s]! === 0) continue;
      out.push(this.sentenceQuote(g, s, s === best, { item, article, sentences, sentenceTerms, coverages, shares, passageShare, linked: linked !== undefined, view, passage }, question, similarity, keywordHit, place));
    }
    return out;
  }

  /** One candidate quote: sentence `s` of a passage (with a neighbour when that adds enough), ranked and described. */
  private sentenceQuote(g: Gathered, s: number, bestInPassage: boolean, at: PassageAt, question: QuestionContext, similarity: number, keywordHit: number | undefined, place: { keyword: number | undefined; vector: number | undefined }): Scored {
    const keyword = keywordHit ?? 0;
    const w = this.weights;
    const { matcher, answerType } = question;
    const { article, sentences, sentenceTerms, shares } = at;
    const body = article.body;
    let start = sentences[s]!.start;
    let end = sentences[s]!.end;
    let quoteShare = shares[s]!;
    let terms: ArrayLike<number>[] = [sentenceTerms[s]!];
    let quoteCoverage = at.coverages[s]!;
    for (const neighbour of [s + 1, s - 1]) {
      const sentence = sentences[neighbour];
      if (!sentence) continue;
      const joinedStart = Math.min(start, sentence.start);
      const joinedEnd = Math.max(end, sentence.end);
      if (joinedEnd - joinedStart > MAX_QUOTE_CHARS) continue;
      const joinedCoverage = SoftMatcher.union(quoteCoverage, at.coverages[neighbour]!);
      const joinedShare = matcher.share(joinedCoverage);
      if (joinedShare - quoteShare >= w.extendMinGain) {
        start = joinedStart;
        end = joinedEnd;
        quoteShare = joinedShare;
        terms = [...terms, sentenceTerms[neighbour]!];
        quoteCoverage = joinedCoverage;
        break;
      }
    }
    if (end - start > MAX_QUOTE_CHARS) {
      const cut = body.slice(start, start + MAX_QUOTE_CHARS).search(/\s\S*$/);
      end = start + (cut > 0 ? cut : MAX_QUOTE_CHARS);
    }
    const text = body.slice(start, end);
    const typed = hasAnswerType(text, answerType) ? 1 : 0;
    if (typed) quoteShare = matcher.share(quoteCoverage, true);
    const context = Math.max(0, at.passageShare - quoteShare);
    const exact = exactShare(matcher.query, text);
    const rank = quoteShare + w.context * context + w.vector * similarity + w.keyword * keyword + w.answerType * typed + w.exact * exact;
    const confidence = clamp01(0.8 * (quoteShare + w.context * context) + 0.2 * clamp01((similarity - 0.2) / 0.6));
    const focus = { start: Math.max(start, sentences[s]!.start), end: Math.min(end, sentences[s]!.end) };
    const quote: Quote = { quote: text, source: sourceOf(article), start, end, offsetsIn: offsetsIn(article.file), score: Math.round(confidence * 1000) / 1000, alsoReportedBy: [], focus, ...(answerType !== undefined && !typed ? { kindMissing: true } : {}) };
    const termSet = new Set<number>();
    for (const list of terms) for (let t = 0; t < list.length; t++) termSet.add(list[t]!);
    // The hand-tuned rank is a feature too: a sum of features that trees only approximate in steps.
    const features = { quoteShare, context, similarity, keyword, typed, exact, passageShare: at.passageShare, handRank: rank } as CandidateFeatures;
    // The rest only a learned model reads (a few more passes over the quote's terms): worked out
    // for every candidate for the learned ranking, and for the few quotes scored otherwise.
    let completed = false;
    const complete = () => {
      if (completed) return;
      completed = true;
      const exactCovered = matcher.exactShare(quoteCoverage);
      const view = at.view;
      Object.assign(features, {
        typeMissing: answerType !== undefined && !typed ? 1 : 0,
        quoteLength: (end - start) / MAX_QUOTE_CHARS,
        inKeyword: keywordHit === undefined ? 0 : 1,
        exactShare: exactCovered,
        softShare: quoteShare - exactCovered,
        rarestCovered: matcher.rarestCovered(quoteCoverage),
        termsCovered: matcher.countShare(quoteCoverage),
        twoSentences: terms.length > 1 ? 1 : 0,
        shareTimesSimilarity: quoteShare * similarity,
        linked: at.linked ? 1 : 0,
        bestInPassage: bestInPassage ? 1 : 0,
        pairShare: pairShare(matcher.queryIds, terms),
        density: matchDensity(matcher.queryIds, sentenceTerms[s]!),
        articleShare: view?.share ?? 0,
        titleShare: view?.titleShare ?? 0,
        articleVotes: view?.passages ?? 0,
        position: Math.log1p(at.item - (view?.first ?? at.item)),
        keywordPlace: place.keyword === undefined ? 0 : 1 / (1 + place.keyword),
        vectorPlace: place.vector === undefined ? 0 : 1 / (1 + place.vector),
        sentenceSimilarity: this.sentenceSimilarity(g, question.vector, terms),
        ...novelty(text, question.words),
      });
    };
    return { quote, terms: termSet, rank, features, complete, passage: at.passage };
  }
}
