/**
 * The storage seam: what retrieval reads of an index, whichever store holds it. The file store
 * (an IndexSnapshot in memory, the default) and the PostgreSQL store (src/index/postgres/) both
 * implement IndexSource; the retriever never knows which one it talks to.
 *
 * A question reads the index in three steps: its words against the lexicon (in memory in both
 * stores: vocabulary spellings, rarity, typo correction, title words), then `gather`, which finds
 * the candidate passages (BM25 and vector rankings) and returns everything scoring them reads, in
 * one go (one round of queries for the database), then the scoring itself, synchronous.
 */
import type { Article } from "../corpus/article.js";
import type { Passage } from "../passages/passages.js";
import { tokenize } from "../text/terms.js";
import { TypoCorrector } from "../text/typos.js";
import type { DocumentMask, KeywordHit, KeywordIndex } from "./keyword.js";
import type { Manifest } from "./manifest.js";
import { verifyBodies, type IndexSnapshot } from "./snapshot.js";
import { lap } from "../stageClock.js";
import type { RowMask } from "./vectorMatrix.js";
import type { Vocabulary } from "./vocabulary.js";

/** An article as listed (by /sources, votes, replies): everything but its body. */
export type ArticleInfo = Omit<Article, "body">;

/** The corpus's words, in memory whichever the store: what a question's words are looked up in. */
export interface Lexicon {
  /** Whether some article's quotable text uses the term. */
  has(term: string): boolean;
  /** BM25 rarity of a term (the +1 form; the highest for a term no article uses). */
  idf(term: string): number;
  /**
   * Whether the term is in an article's title or outlet and in no quotable text (`has` denies it):
   * a word a question may use that the articles name only in a headline or outlet.
   */
  isTitleOnlyTerm(term: string): boolean;
  /** The corpus word a typo is closest to, as term and spelling, or undefined. */
  correct(spelling: string): { term: string; spelling: string } | undefined;
}

/** A vector-ranked candidate: passage row and similarity to the question. */
export interface VectorHit {
  row: number;
  score: number;
}

/**
 * What scoring one question's candidates reads: the candidate passages (and the passage before
 * each), their articles with bodies, their sentences' terms, and word vectors for those terms.
 * Term ids are rows of `vocabulary`, which covers at least the question's terms and the
 * candidates' (the file store's is the whole vocabulary; the database's only those).
 */
export interface Gathered {
  keywordHits: readonly KeywordHit[];
  vectorHits: readonly VectorHit[];
  /** The question's vector similarity to a candidate passage. */
  similarity(item: number): number;
  /** A candidate passage, or the passage just before one; undefined for any other. */
  passage(item: number): Passage | undefined;
  /** A candidate's article, its body verified. */
  article(id: string): Article;
  vocabulary: Vocabulary;
  /** BM25 rarity of a vocabulary row's term. */
  termWeight(id: number): number;
  /** The term ids of sentence `k` of a gathered passage. */
  sentenceTerms(item: number, k: number): ArrayLike<number>;
  /** A candidate article's first passage and the one after its last. */
  articleRange(item: number): { first: number; end: number };
  /** Whether any passage in [first, end) of a candidate article uses a query term (vocabulary row). */
  hasTermIn(id: number, first: number, end: number): boolean;
}

/**
 * What a question reads of an index: its articles, its words and its candidates. A whole index is
 * one; `IndexSource.restrict` gives the view of some of its articles (a server's scope, a filter),
 * in which nothing of the other articles is seen: not their passages, nor their words (rarity,
 * typo correction, title words), nor their number.
 */
export interface IndexView {
  /** The articles seen, by id, without bodies. */
  readonly articles: ReadonlyMap<string, ArticleInfo>;
  readonly lexicon: Lexicon;
  /** Candidates for a question's terms (kept if the articles seen use them) and vector, `limit` from each ranking. */
  gather(terms: readonly string[], queryVector: Float32Array, limit: number): Promise<Gathered>;
  /**
   * Loads what `lexicon` reads, where a store keeps it elsewhere (the PostgreSQL store's word
   * counts of a scope); a question awaits it before its words are looked up. Once per view.
   */
  prepare?(): Promise<void>;
}

/** One index build, as retrieval and the replies see it. */
export interface IndexSource extends IndexView {
  readonly store: "files" | "postgres";
  readonly buildId: string;
  readonly manifest: Manifest;
  /** Every article, by id, without bodies. */
  readonly articles: ReadonlyMap<string, ArticleInfo>;
  /**
   * The view of only these articles (ids), made once per set (the caller caches it): every store
   * has one, so that no question is answered from articles its scope does not see.
   */
  restrict(allowed: ReadonlySet<string>): IndexView;
  /** An article's body, verified, or undefined when the build has no such article. */
  body(articleId: string): Promise<string | undefined>;
  /** Builds (or reads) now what a question would otherwise build or read on first use. */
  warmUp(): Promise<void>;
  /**
   * Checks all of the article text against its checksums now (a bot runs for weeks), rather than
   * each article on first use; throws IndexCorruptError for a damaged build.
   */
  verify(): Promise<void>;
}

/**
 * The articles' title and outlet terms, tokenised on first use (all of them on warmUp), less those
 * `inText` knows: only a word no quotable text uses is asked about, and leaving the others out keeps
 * the set small whatever the corpus's size (titles mostly use their articles' words; at 10,000
 * synthetic articles the whole set took 6 MB).
 */
export class TitleTerms {
  private all: Set<string> | undefined;

  constructor(
    private readonly articles: ReadonlyMap<string, ArticleInfo>,
    private readonly inText: (term: string) => boolean = () => false,
  ) {}

  has(term: string): boolean {
    return this.build().has(term);
  }

  /** The articles' title and outlet terms no quotable text uses, tokenised on first use. */
  build(): ReadonlySet<string> {
    if (!this.all) {
      this.all = new Set();
      for (const article of this.articles.values()) for (const token of tokenize(`${article.title} ${article.outlet}`)) if (!this.inText(token.term)) this.all.add(token.term);
    }
    return this.all;
  }
}

/** The lexicon of a vocabulary: spellings, rarity by document frequency, typo correction. */
export class VocabularyLexicon implements Lexicon {
  private corrector: TypoCorrector | undefined;
  private readonly titles: TitleTerms;

  constructor(
    private readonly terms: readonly string[],
    private readonly spellings: readonly string[],
    private readonly row: ReadonlyMap<string, number>,
    private readonly documentFrequency: (row: number) => number,
    private readonly documents: number,
    articles: ReadonlyMap<string, ArticleInfo>,
  ) {
    this.titles = new TitleTerms(articles, (term) => row.has(term));
  }

  has(term: string): boolean {
    return this.row.has(term);
  }

  idf(term: string): number {
    const row = this.row.get(term);
    const n = row === undefined ? 0 : this.documentFrequency(row);
    return Math.log(1 + (this.documents - n + 0.5) / (n + 0.5));
  }

  isTitleOnlyTerm(term: string): boolean {
    return this.titles.has(term);
  }

  correct(spelling: string): { term: string; spelling: string } | undefined {
    return this.correctWithin(spelling);
  }

  /** As `correct`, among the words some articles use: `frequency(term)` counts a term's passages in them (0: never offered). */
  correctWithin(spelling: string, frequency?: (term: string) => number): { term: string; spelling: string } | undefined {
    const row = this.typos().correct(spelling, frequency && ((row) => frequency(this.terms[row]!)));
    return row === undefined ? undefined : { term: this.terms[row]!, spelling: this.spellings[row]! };
  }

  /** Builds the typo index and the title terms now (45 ms and 0.5 s at 10,000 articles). */
  warmUp(): void {
    this.titles.build();
    this.typos();
  }

  private typos(): TypoCorrector {
    this.corrector ??= new TypoCorrector(this.spellings, this.documentFrequency);
    return this.corrector;
  }
}

/**
 * The lexicon of some articles of a build: a term is known, rare or a title word by those
 * articles' passages and titles alone, and typos are corrected only to their words. `count(term)`
 * counts the allowed passages that use a term (each term counted once); `documents` is how many
 * passages they have.
 */
export class ScopedLexicon implements Lexicon {
  private readonly frequencies = new Map<string, number>();
  private readonly titles: TitleTerms;

  constructor(
    private readonly count: (term: string) => number,
    private readonly documents: number,
    private readonly whole: VocabularyLexicon,
    articles: ReadonlyMap<string, ArticleInfo>,
  ) {
    this.titles = new TitleTerms(articles);
  }

  /** Passages of the allowed articles that use the term. */
  frequency(term: string): number {
    let n = this.frequencies.get(term);
    if (n === undefined) this.frequencies.set(term, (n = this.count(term)));
    return n;
  }

  has(term: string): boolean {
    return this.frequency(term) > 0;
  }

  idf(term: string): number {
    const n = this.frequency(term);
    return Math.log(1 + (this.documents - n + 0.5) / (n + 0.5));
  }

  isTitleOnlyTerm(term: string): boolean {
    return !this.has(term) && this.titles.has(term);
  }

  correct(spelling: string): { term: string; spelling: string } | undefined {
    return this.whole.correctWithin(spelling, (term) => this.frequency(term));
  }
}

/** What restricts a file-store question to some articles: their passages' masks and rarities. */
interface Within {
  mask: DocumentMask;
  rows: RowMask;
  idf: (term: string) => number;
  termWeight: (id: number) => number;
}

/** The file store: a build loaded into memory (see snapshot.ts); gathering reads it in place. */
export class FileSource implements IndexSource {
  readonly store = "files";
  readonly lexicon: VocabularyLexicon;
  private readonly ranges = new Map<string, { first: number; end: number }>();
  private weightsOfTerms: Float32Array | undefined;

  constructor(readonly snapshot: IndexSnapshot) {
    const { vocabulary, keyword } = snapshot;
    this.lexicon = new VocabularyLexicon(vocabulary.terms, vocabulary.spellings, vocabulary.row, (row) => keyword.documentFrequency(vocabulary.terms[row]!), keyword.size, snapshot.articles);
  }

  get buildId(): string {
    return this.snapshot.buildId;
  }

  get manifest(): Manifest {
    return this.snapshot.manifest;
  }

  get articles(): ReadonlyMap<string, Article> {
    return this.snapshot.articles;
  }

  async gather(terms: readonly string[], queryVector: Float32Array, limit: number): Promise<Gathered> {
    return this.gatherWithin(terms, queryVector, limit);
  }

  /**
   * The view of only some articles: a mask of their passages (made once here, 180,000 rows in a
   * few ms) that the keyword and vector rankings skip the others by, and a lexicon of their words.
   */
  restrict(allowed: ReadonlySet<string>): IndexView {
    const { passages, keyword, articles } = this.snapshot;
    const rows = new Uint8Array(passages.length);
    let count = 0;
    for (let row = 0; row < passages.length; row++) {
      if (!allowed.has(passages[row]!.articleId)) continue;
      rows[row] = 1;
      count++;
    }
    const mask = keyword.mask(rows);
    const seen = new Map<string, Article>();
    for (const [id, article] of articles) if (allowed.has(id)) seen.set(id, article);
    const lexicon = new ScopedLexicon((term) => keyword.documentFrequencyWithin(term, mask), mask.documents, this.lexicon, seen);
    const weights = new Map<number, number>();
    const within: Within = {
      mask,
      rows: { allowed: rows, count },
      idf: (term) => lexicon.idf(term),
      termWeight: (id) => {
        let weight = weights.get(id);
        if (weight === undefined) weights.set(id, (weight = lexicon.idf(this.snapshot.vocabulary.terms[id]!)));
        return weight;
      },
    };
    return { articles: seen, lexicon, gather: (terms, queryVector, limit) => this.gatherWithin(terms, queryVector, limit, within) };
  }

  private async gatherWithin(terms: readonly string[], queryVector: Float32Array, limit: number, within?: Within): Promise<Gathered> {
    const { snapshot } = this;
    const keywordHits = snapshot.keyword.search(new Map(terms.map((term) => [term, 1])), limit, within && { mask: within.mask, idf: within.idf });
    lap("keyword gather");
    const { hits: vectorHits, similarity } = snapshot.matrix.nearest(queryVector, limit, within?.rows);
    const { passages, articles, sentenceTerms, keyword, vocabulary } = snapshot;
    return {
      keywordHits,
      vectorHits,
      similarity,
      passage: (item) => passages[item],
      article: (id) => articles.get(id)!,
      vocabulary,
      termWeight: within ? within.termWeight : (id) => this.termWeight(id),
      sentenceTerms: (item, k) => sentenceTerms.of(item, k),
      articleRange: (item) => this.articleRange(item),
      hasTermIn: (id, first, end) => keyword.hasTermIn(id, first, end),
    };
  }

  async body(articleId: string): Promise<string | undefined> {
    return this.snapshot.articles.get(articleId)?.body;
  }

  async warmUp(): Promise<void> {
    this.lexicon.warmUp();
    this.snapshot.matrix.prepare();
  }

  verify(): Promise<void> {
    return verifyBodies(this.snapshot);
  }

  /** A vocabulary term's BM25 rarity (each looked up once, when first met). */
  private termWeight(id: number): number {
    const { vocabulary, keyword } = this.snapshot;
    this.weightsOfTerms ??= new Float32Array(vocabulary.terms.length).fill(-1);
    let weight = this.weightsOfTerms[id]!;
    if (weight < 0) weight = this.weightsOfTerms[id] = keyword.idf(vocabulary.terms[id]!);
    return weight;
  }

  /** An article's passage range around one of its passages (contiguous in the index), found when first needed. */
  private articleRange(item: number): { first: number; end: number } {
    const { passages } = this.snapshot;
    const articleId = passages[item]!.articleId;
    let range = this.ranges.get(articleId);
    if (!range) {
      let first = item;
      while (first > 0 && passages[first - 1]!.articleId === articleId) first--;
      let end = item + 1;
      while (end < passages.length && passages[end]!.articleId === articleId) end++;
      range = { first, end };
      this.ranges.set(articleId, range);
    }
    return range;
  }
}
