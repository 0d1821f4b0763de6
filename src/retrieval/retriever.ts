import { offsetsIn, sourceOf } from "../corpus/article.js";
import type { Embedder } from "../embeddings/embedder.js";
import type { IndexSnapshot } from "../index/snapshot.js";
import type { Passage } from "../passages/passages.js";
import type { Span } from "../passages/sentences.js";
import { tokenize } from "../text/terms.js";
import { TypoCorrector } from "../text/typos.js";
import { foreignLanguage } from "./language.js";
import { MAX_QUOTE_CHARS, validateQuestion, type Answer, type Quote } from "./answer.js";
import { answerTypeWords, expectedAnswerType, hasAnswerType, type AnswerType } from "./answerType.js";
import { collapseSameFacts, type QuoteWithTerms } from "./dedupe.js";
import { SoftMatcher, type QueryTerm } from "./softMatch.js";
import { topScores } from "./vectorSearch.js";
import { linearScore, sigmoid, type AnswerFeatures, type CandidateFeatures, type LearnedModels } from "./rankingModel.js";

/** Words that, opening a sentence, point back to something named in the sentence before. */
const REFERRING_OPENERS = /^(he|she|it|they|his|her|its|their|this|these|that|those|the two|both)\b/i;

/** A word written with a capital: inside a question, a name. */
const STARTS_UPPERCASE = /^\p{Lu}/u;

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
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** A candidate quote with what the ranking knows of it. */
export interface ScoredCandidate extends QuoteWithTerms {
  rank: number;
  features: CandidateFeatures;
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
}

/** The candidates (ranked best first) that survive collapsing same facts, in order: the quotes /ask shows, with their features. */
export function keptCandidates(candidates: readonly ScoredCandidate[], collapsed: readonly Quote[] = collapseSameFacts(candidates)): ScoredCandidate[] {
  const byPlace = new Map(candidates.map((candidate) => [`${candidate.quote.source.id}:${candidate.quote.start}`, candidate]));
  return collapsed.map((quote) => byPlace.get(`${quote.source.id}:${quote.start}`)!);
}

/** The refusal's view of one quote at a place in the ranking: the quote's own features and how far it leads the next. */
export function answerFeatures(ranked: RankedCandidates, candidate: ScoredCandidate, next: ScoredCandidate | undefined, ranks: readonly number[]): AnswerFeatures {
  const top = ranks.slice(0, 10);
  const mean = top.length === 0 ? 0 : top.reduce((sum, r) => sum + r, 0) / top.length;
  return {
    topRank: candidate.rank,
    margin: next ? candidate.rank - next.rank : 1,
    topQuoteShare: candidate.features.quoteShare,
    topSimilarity: candidate.features.similarity,
    topExact: candidate.features.exact,
    topTyped: candidate.features.typed - candidate.features.typeMissing,
    unknownShare: ranked.unknownShare,
    unknownNames: ranked.unmentioned.length > 0 ? 1 : 0,
    questionTerms: Math.min(ranked.questionTerms, 12) / 12,
    rankSpread: candidate.rank - mean,
  };
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
  /** Built on first use: see titleTerms(). */
  private titles: Set<string> | undefined;
  /** Built on first use: see typos(). */
  private corrector: TypoCorrector | undefined;

  constructor(
    readonly snapshot: IndexSnapshot,
    readonly embedder: Embedder,
    private readonly weights: Readonly<RankingWeights> = DEFAULT_WEIGHTS,
    /** The learned ranking and refusal; without them, the hand-tuned weights rank and the fixed blend decides. */
    readonly models?: LearnedModels,
    /** With models: whether the learned refusal decides (else the fixed blend and threshold do). */
    readonly learnedRefusal = true,
  ) {}

  /**
   * Builds now what the first question would otherwise build: the title terms and the typo
   * index (67 ms at 10,000 articles), so that no user's question pays for them.
   */
  warmUp(): void {
    this.titleTerms();
    this.typos();
  }

  /** The article's sentence just before a passage (the previous passage's last), when there is one. */
  private previousSentence(item: number): { span: Span; passage: number; k: number } | undefined {
    const before = this.snapshot.passages[item - 1];
    if (!before || before.articleId !== this.snapshot.passages[item]!.articleId) return undefined;
    return { span: before.sentences.at(-1)!, passage: item - 1, k: before.sentences.length - 1 };
  }

  /** Terms of the articles' titles and outlets (a question may name an outlet its articles never write). */
  private titleTerms(): ReadonlySet<string> {
    if (!this.titles) {
      this.titles = new Set();
      for (const article of this.snapshot.articles.values()) for (const token of tokenize(`${article.title} ${article.outlet}`)) this.titles.add(token.term);
    }
    return this.titles;
  }

  /** The corpus's words, to correct a question's typos against. */
  private typos(): TypoCorrector {
    const { vocabulary, keyword } = this.snapshot;
    this.corrector ??= new TypoCorrector(vocabulary.spellings, (row) => keyword.documentFrequency(vocabulary.terms[row]!));
    return this.corrector;
  }

  /**
   * The question's content terms, weighted by rarity, with their word vectors; and the names it
   * writes (capitalised, not as its first word) that no article uses, as written. A word no article
   * uses is taken for the closest word they do use, when one is a typo away ("pezeshkain").
   */
  private async queryTerms(question: string): Promise<{ terms: QueryTerm[]; unmentioned: string[] }> {
    const seen = new Map<string, string>();
    const unmentioned = new Set<string>();
    const { vocabulary } = this.snapshot;
    tokenize(question).forEach((token, i) => {
      if (token.stop) return;
      if (!vocabulary.row.has(token.term) && !this.titleTerms().has(token.term)) {
        const row = this.typos().correct(token.spelling);
        if (row !== undefined) token = { ...token, term: vocabulary.terms[row]!, spelling: vocabulary.spellings[row]! };
      }
      if (!seen.has(token.term)) seen.set(token.term, token.spelling);
      const written = question.slice(token.start, token.end);
      if (i > 0 && STARTS_UPPERCASE.test(written) && !this.snapshot.vocabulary.row.has(token.term) && !this.titleTerms().has(token.term)) unmentioned.add(written.replace(/['’]s?$/, ""));
    });
    const spellings = [...seen.values()];
    const vectors = await this.embedder.embedDocuments(spellings);
    const typeWords = answerTypeWords(question);
    const terms = [...seen.keys()].map((term, i) => ({ term, spelling: spellings[i]!, weight: this.snapshot.keyword.idf(term), vector: vectors[i], namesAnswerType: typeWords.has(spellings[i]!) }));
    return { terms, unmentioned: [...unmentioned] };
  }

  /**
   * Every candidate quote for a question, ranked best first, with its features (those only a
   * learned model reads are computed with `allFeatures`, the default when models are loaded).
   * Throws QuestionError for a bad question.
   */
  async rank(rawQuestion: string, allFeatures = this.models !== undefined): Promise<RankedCandidates> {
    const question = validateQuestion(rawQuestion);
    const { snapshot } = this;
    const { terms: query, unmentioned } = await this.queryTerms(question);
    const matcher = new SoftMatcher(query, snapshot.vocabulary);
    const answerType = expectedAnswerType(question);

    const keywordHits = snapshot.keyword.search(new Map(query.map((q) => [q.term, 1])), CANDIDATES_PER_RANKING);
    const keywordScore = new Map(keywordHits.map((hit) => [hit.doc, hit.score / keywordHits[0]!.score]));
    const similarities = snapshot.matrix.similarities(await this.embedder.embedQuery(question));
    const candidates = new Set([...keywordHits.map((hit) => hit.doc), ...topScores(similarities, CANDIDATES_PER_RANKING).map((hit) => hit.row)]);

    const scored: Scored[] = [];
    for (const item of candidates) {
      const passage = snapshot.passages[item]!;
      scored.push(this.bestQuote(item, passage, this.previousSentence(item), matcher, similarities[item]!, keywordScore.get(item), answerType, allFeatures));
    }
    if (this.models) for (const candidate of scored) candidate.rank = linearScore(this.models.ranker, candidate.features);
    scored.sort((a, b) => b.rank - a.rank || a.quote.start - b.quote.start);
    const totalWeight = query.reduce((sum, q) => sum + q.weight, 0);
    const unknownWeight = query.reduce((sum, q) => sum + (snapshot.vocabulary.row.has(q.term) ? 0 : q.weight), 0);
    const unknownCount = query.filter((q) => !snapshot.vocabulary.row.has(q.term)).length;
    return { question, candidates: scored, unmentioned, unknownShare: totalWeight === 0 ? 0 : unknownWeight / totalWeight, unknownCount, questionTerms: query.length };
  }

  /** Answers a question with verbatim quotes, best first. Throws QuestionError for a bad question. */
  async ask(rawQuestion: string, options: AskOptions = {}): Promise<Answer> {
    const limit = options.limit ?? DEFAULT_RESULT_COUNT;
    const ranked = await this.rank(rawQuestion);
    const { question, unmentioned } = ranked;
    // A question in another language matches only its names: no quotes, a note instead.
    const language = foreignLanguage(question, ranked.unknownCount / Math.max(1, ranked.questionTerms));
    if (language) return { question, answered: false, results: [], language };
    const collapsed = collapseSameFacts(ranked.candidates);
    const learned = this.learnedRefusal ? this.models : undefined;
    let scores: number[];
    let threshold: number;
    if (learned) {
      // Each quote's score is the refusal model's P(it answers), taken at its place in the ranking.
      const { answer } = learned;
      const kept = keptCandidates(ranked.candidates, collapsed);
      const ranks = kept.map((candidate) => candidate.rank);
      scores = kept.map((candidate, i) => Math.round(sigmoid(linearScore(answer, answerFeatures(ranked, candidate, kept[i + 1], ranks))) * 1000) / 1000);
      threshold = learned.threshold;
    } else {
      scores = collapsed.map((quote) => quote.score);
      threshold = ANSWER_THRESHOLD;
    }
    // Scores read in the order shown: never above the score of a quote ranked before.
    let ceiling = 1;
    const results = collapsed.map((quote, i) => ((ceiling = Math.min(ceiling, scores[i]!)), { ...quote, score: ceiling }));
    // Without the learned refusal, a question about a name no article mentions ("the prime minister
    // of Japan") is not one the articles answer, however well its other words match.
    const answered = (learned !== undefined || unmentioned.length === 0) && (results[0]?.score ?? 0) >= threshold;
    const count = answered ? limit : Math.min(limit, UNANSWERED_RESULT_COUNT);
    return { question, answered, results: results.slice(0, count), ...(unmentioned.length > 0 ? { unmentioned } : {}) };
  }

  /** The sentence (or two) of a passage that best answer the question, with its rank and confidence. */
  private bestQuote(item: number, passage: Passage, previous: { span: Span; passage: number; k: number } | undefined, matcher: SoftMatcher, similarity: number, keywordHit: number | undefined, answerType: AnswerType, allFeatures: boolean): Scored {
    const keyword = keywordHit ?? 0;
    const w = this.weights;
    const article = this.snapshot.articles.get(passage.articleId)!;
    const body = article.body;
    // A passage opening with "He …" or "This …" takes the sentence before it as context (and may
    // quote it), when only white space separates them. Any other passage takes it as context only,
    // across a paragraph break too: news often gives each sentence a paragraph of its own, and the
    // sentence before names whom "According to Esbati, …" is about.
    const opener = passage.sentences[0]!;
    const linked = previous && REFERRING_OPENERS.test(body.slice(opener.start, opener.end)) && body.slice(previous.span.end, opener.start).trim() === "" ? previous : undefined;
    const sentences = linked ? [linked.span, ...passage.sentences] : passage.sentences;
    const store = this.snapshot.sentenceTerms;
    const own = passage.sentences.map((_, k) => store.of(item, k));
    const sentenceTerms = linked ? [store.of(linked.passage, linked.k), ...own] : own;
    const coverages = sentenceTerms.map((terms) => matcher.coverage(terms));
    if (linked) coverages[0]!.fill(0);
    const passageCoverage = matcher.coverage(...sentenceTerms, ...(previous && !linked ? [store.of(previous.passage, previous.k)] : []));
    const shares = coverages.map((coverage) => matcher.share(coverage));
    const passageShare = matcher.share(passageCoverage);
    let best = linked ? 1 : 0;
    shares.forEach((share, i) => {
      if (share > shares[best]!) best = i;
    });
    let start = sentences[best]!.start;
    let end = sentences[best]!.end;
    let quoteShare = shares[best]!;
    let terms: ArrayLike<number>[] = [sentenceTerms[best]!];
    for (const neighbour of [best + 1, best - 1]) {
      const sentence = sentences[neighbour];
      if (!sentence) continue;
      const joinedStart = Math.min(start, sentence.start);
      const joinedEnd = Math.max(end, sentence.end);
      if (joinedEnd - joinedStart > MAX_QUOTE_CHARS) continue;
      const joinedTerms = [...terms, sentenceTerms[neighbour]!];
      const joinedShare = matcher.share(matcher.coverage(...joinedTerms));
      if (joinedShare - quoteShare >= w.extendMinGain) {
        start = joinedStart;
        end = joinedEnd;
        quoteShare = joinedShare;
        terms = joinedTerms;
        break;
      }
    }
    if (end - start > MAX_QUOTE_CHARS) {
      const cut = body.slice(start, start + MAX_QUOTE_CHARS).search(/\s\S*$/);
      end = start + (cut > 0 ? cut : MAX_QUOTE_CHARS);
    }
    const typed = hasAnswerType(body.slice(start, end), answerType) ? 1 : 0;
    if (typed) quoteShare = matcher.share(matcher.coverage(...terms), true);
    const context = Math.max(0, passageShare - quoteShare);
    const exact = exactShare(matcher.query, body.slice(start, end));
    const rank = quoteShare + w.context * context + w.vector * similarity + w.keyword * keyword + w.answerType * typed + w.exact * exact;
    const confidence = clamp01(0.8 * (quoteShare + w.context * context) + 0.2 * clamp01((similarity - 0.2) / 0.6));
    const focus = { start: Math.max(start, sentences[best]!.start), end: Math.min(end, sentences[best]!.end) };
    const quote: Quote = { quote: body.slice(start, end), source: sourceOf(article), start, end, offsetsIn: offsetsIn(article.file), score: Math.round(confidence * 1000) / 1000, alsoReportedBy: [], focus };
    const termSet = new Set<number>();
    for (const list of terms) for (let t = 0; t < list.length; t++) termSet.add(list[t]!);
    // Three more passes over the quote's terms, which only the learned ranking reads (~5% of a question's time).
    const quoteCoverage = allFeatures ? matcher.coverage(...terms) : undefined;
    const features: CandidateFeatures = {
      quoteShare,
      context,
      similarity,
      keyword,
      typed,
      exact,
      passageShare,
      typeMissing: answerType !== undefined && !typed ? 1 : 0,
      quoteLength: (end - start) / MAX_QUOTE_CHARS,
      inKeyword: keywordHit === undefined ? 0 : 1,
      exactShare: quoteCoverage ? matcher.exactShare(quoteCoverage) : 0,
      rarestCovered: quoteCoverage ? matcher.rarestCovered(quoteCoverage) : 0,
      termsCovered: quoteCoverage ? matcher.countShare(quoteCoverage) : 0,
      twoSentences: terms.length > 1 ? 1 : 0,
      shareTimesSimilarity: quoteShare * similarity,
      linked: linked ? 1 : 0,
    };
    return { quote, terms: termSet, rank, features };
  }
}
