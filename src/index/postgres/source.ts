/**
 * The PostgreSQL store's reader: an IndexSource over one build in the database. A process holds
 * the article list (no bodies) and the lexicon (each term's spelling and document frequency, for
 * typo correction and rarity), and once warmed up, up to VECTOR_SCAN_MAX_PASSAGES, the passage
 * vectors as int8 (heldVectors.ts); passages, their float32 vectors, bodies, postings and word
 * vectors stay in the database, and a question reads only its candidates', in queries that overlap:
 *   1. the vector ranking, with its hits' passages (and the one before each) and their articles'
 *      bodies, in one query (candidatesSql): the exact nearest, from the held vectors' best by int8
 *      score scored exactly by the database (the HNSW graph's instead above that size, or before
 *      warm-up); side by side with
 *   2. the exact BM25 ranking (keywordTopK.ts: the heads of the question's impact-ordered
 *      postings, and further only where the bounds need it), then its candidates' passages and
 *      articles, in one query, while the vector search may still run;
 *   3. the word vectors of the candidates' terms not in the cache (a bounded cache, filled with
 *      the build's most used terms at warm-up: at 10,000 articles, all of them).
 * A view of some articles (`restrict`: a server's scope, a filter) reads the same way with the
 * scope's condition on both rankings and the scope's own word counts (scope.ts).
 */
import type pg from "pg";
import type { Article } from "../../corpus/article.js";
import type { Passage } from "../../passages/passages.js";
import type { Span } from "../../passages/sentences.js";
import { IndexCorruptError, IndexOutdatedError } from "../errors.js";
import { BM25_K1, type KeywordHit } from "../keyword.js";
import { ManifestFormatError, parseManifestFields, sha256Hex, type Manifest } from "../manifest.js";
import { ScopedLexicon, VocabularyLexicon, type ArticleInfo, type Gathered, type IndexSource, type IndexView, type VectorHit } from "../source.js";
import { dequantizeRow, type Vocabulary } from "../vocabulary.js";
import { eachRow, filteredSearchQuery, searchQuery } from "./database.js";
import { keywordTopK, type KeywordReadStats, type PostingsReader, type PostingsSlice } from "./keywordTopK.js";
import { lap } from "../../stageClock.js";
import { graphPrecisionOf, graphSearchSql, type GraphPrecision } from "./graph.js";
import { currentBuild, partition } from "./schema.js";
import { EXACT_SCAN_PASSAGES, iterativeScans, nearestWithinSql, rowRanges, scopeWithin, totalLength, type RowRanges, type WholeBuild, type Within } from "./scope.js";
import { vectorLiteral } from "./vectors.js";
import { WordVectorCache } from "./wordVectors.js";
import { HELD_CANDIDATES, HeldVectors } from "./heldVectors.js";
import { DEFAULT_VECTOR_SCAN_MAX_PASSAGES, type RowMask } from "../vectorMatrix.js";

/**
 * Word vectors kept between questions, as stored (int8, 104 bytes each with 100 dimensions), in one
 * block (wordVectors.ts), filled with the most used terms at warm-up: 200,000 terms hold the whole
 * vocabulary of 10,000 articles (71,000 terms, 7.4 MB), and bound a larger one's to 21 MB.
 */
const TERM_CACHE_SIZE = 200_000;

// Every lookup names the build as well as the row or term: the partitions' keys are (build, …), and
// without the build PostgreSQL walks the whole key index (25 ms instead of 0.05 for four passages
// at 10,000 articles).

/** The most bytes one substring may ask for (its length is an int4): more postings than any list holds. */
const MAX_SLICE_BYTES = 2 ** 31 - 8;
/**
 * The most postings bytes one row of a read carries (4,096 pairs: 44 KB as base64), so that no
 * row's string is large enough for V8's large-object space, and each is collected young.
 */
const POSTINGS_CHUNK_BYTES = 32_768;
/** Where each row's postings are decoded, before they are copied to their slice (rows are handled one at a time). */
const chunk = Buffer.alloc(POSTINGS_CHUNK_BYTES);

/** What a row of candidatesSql or candidateRows is: a vector hit's passage, another passage (the one before a candidate, a keyword candidate), an article. */
const HIT = 0;
const PASSAGE = 1;
const ARTICLE = 2;

/** A row of the candidates' reading: a passage (HIT, PASSAGE: the article's fields null) or an article (ARTICLE: the passage's fields null). */
interface CandidateRow {
  kind: typeof HIT | typeof PASSAGE | typeof ARTICLE;
  row: number;
  score: number;
  article_row: number;
  start: number;
  end: number;
  sentences: number[];
  term_ends: number[];
  terms: number[];
  body: string;
  body_sha256: string;
  covered: number[];
}

/** ARTICLE rows of candidatesSql and candidateRows: the articles `rows` (SQL) names, with which of the question's terms ($queryIds, global ids) each uses. */
function articleRowsSql(build: number, rows: string, queryIds: number): string {
  return `select ${ARTICLE}, a.row, null, null, null, null, null, null, null, a.body, a.body_sha256, array(select q from unnest($${queryIds}::int[]) as q where q = any(a.terms)) from ${partition("articles", build)} a where a.build = ${build} and a.row ${rows}`;
}

/**
 * A vector search (SQL returning (row, score), with the question's vector as $1) and, in the same
 * query, what the question then reads of its hits: their passages (HIT), the passage before each
 * in its article (PASSAGE; its last sentence may be context) and their articles with which of the
 * question's terms ($queryIds) each uses (ARTICLE). One round trip instead of two.
 */
export function candidatesSql(search: string, build: number, dimensions: number, queryIds: number): string {
  const passages = partition("passages", build);
  return `with hits as materialized (${search}),
    found as materialized (select h.score, p.row, p.article_row, p.start, p."end", p.sentences, p.term_ends, p.terms from hits h join ${passages} p on p.build = ${build} and p.row = h.row)
    select ${HIT} as kind, row, score, article_row, start, "end", sentences, term_ends, terms, null::text as body, null::text as body_sha256, null::int[] as covered from found
    union all select ${PASSAGE}, q.row, -((q.embedding::vector(${dimensions})) <#> $1::vector(${dimensions})), q.article_row, q.start, q."end", q.sentences, q.term_ends, q.terms, null, null, null from found f join ${passages} q on q.build = ${build} and q.row = f.row - 1 and q.article_row = f.article_row
    union all ${articleRowsSql(build, "in (select article_row from found)", queryIds)}`;
}

/**
 * The exact `limit` passages nearest to $1 by their float32 vectors, as SQL returning (row, score),
 * nearest first, ties by row: among the rows $2 (the held vectors' candidates; the limit then $3),
 * or scanning every row (the limit $2).
 */
function exactNearestSql(build: number, dimensions: number, among: boolean): string {
  const filter = among ? " and p.row = any($2::int[])" : "";
  return `select p.row, -((p.embedding::vector(${dimensions})) <#> $1::vector(${dimensions})) as score from ${partition("passages", build)} p where p.build = ${build}${filter} order by score desc, p.row limit $${among ? 3 : 2}`;
}

/** How a PostgresSource searches vectors. */
export interface PostgresSourceOptions {
  /** Passages up to which warm-up loads the vectors into the process (HeldVectors) for an exact search; 0: always the graph. */
  vectorScanMaxPassages?: number;
}

/**
 * Postings `from` up to `to` of each slice's term in a build (PostingsReader.read). Each slice comes
 * in rows of at most `chunkBytes` (a multiple of 8), decoded as they arrive into the slice's
 * arrays: a deep read at 100,000 articles is megabytes, which as one field would be one string
 * (and a receive buffer doubled up to its size) left to the collector each time.
 */
export async function readPostings(pool: pg.Pool, build: number, slices: readonly { term: number; from: number; to: number }[], where: string, chunkBytes = POSTINGS_CHUNK_BYTES): Promise<Map<number, PostingsSlice>> {
  // As base64: bytea's text form is hex, twice the bytes; node-postgres decodes binary results as
  // UTF-8 text, so not for bytes.
  const buffer = chunkBytes === POSTINGS_CHUNK_BYTES ? chunk : Buffer.alloc(chunkBytes);
  const asked = new Map(slices.map((slice) => [slice.term, slice]));
  const read = new Map<number, PostingsSlice>();
  const filled = new Map<number, number>();
  await eachRow<{ term: number; length: number; at: number; pairs: string }>(
    pool,
    `select t.term, length(p.pairs) / 8 as length, c.at, encode(substring(p.pairs from t.start + c.at for least(${chunkBytes}, t.count - c.at)), 'base64') as pairs from unnest($1::int[], $2::int[], $3::int[]) as t (term, start, count) join ${partition("postings", build)} p on p.build = ${build} and p.term = t.term cross join lateral generate_series(0, greatest(0, least(t.count, length(p.pairs) - t.start + 1) - 1), ${chunkBytes}) as c (at)`,
    [slices.map((slice) => slice.term), slices.map((slice) => 8 * slice.from + 1), slices.map((slice) => Math.min(MAX_SLICE_BYTES, 8 * Math.max(0, slice.to - slice.from)))],
    (row) => {
      let slice = read.get(row.term);
      if (!slice) {
        const { from, to } = asked.get(row.term)!;
        const length = Number(row.length);
        const count = Math.max(0, Math.min(to, length) - from);
        slice = { length, docs: new Int32Array(count), weights: new Float32Array(count) };
        read.set(row.term, slice);
      }
      // (the line breaks PostgreSQL puts every 76 characters are skipped)
      const bytes = buffer.write(row.pairs, 0, "base64");
      const first = row.at / 8;
      if (bytes % 8 !== 0 || first + bytes / 8 > slice.docs.length) throw new IndexCorruptError(where, `the postings of term ${row.term} are not whole pairs`);
      for (let i = 0; i < bytes / 8; i++) {
        slice.docs[first + i] = buffer.readInt32LE(8 * i);
        slice.weights[first + i] = buffer.readFloatLE(8 * i + 4);
      }
      filled.set(row.term, (filled.get(row.term) ?? 0) + bytes / 8);
    },
  );
  for (const [term, slice] of read) if (filled.get(term) !== slice.docs.length) throw new IndexCorruptError(where, `the postings of term ${term} are shorter than their length says`);
  return read;
}

/** Row ranges as a mask over `rows` rows. */
function rowMask(ranges: RowRanges, rows: number): RowMask {
  const allowed = new Uint8Array(rows);
  ranges.firsts.forEach((first, i) => allowed.fill(1, first, ranges.ends[i]));
  return { allowed, count: ranges.passages };
}

/** A build row, as `currentBuild` reads it. */
export interface BuildRow {
  id: number;
  name: string;
  manifest: unknown;
  dimensions: number;
}

/** There is no build in the database yet. */
export class DatabaseIndexMissingError extends Error {
  constructor() {
    super("The database has no index yet: build it with `npm run index` (DATABASE_URL set).");
    this.name = "DatabaseIndexMissingError";
  }
}

interface CatalogueEntry extends ArticleInfo {
  row: number;
  first: number;
  end: number;
}

export class PostgresSource implements IndexSource {
  readonly store = "postgres";
  readonly lexicon: VocabularyLexicon;
  /** Each article's first passage, by article row (ascending): finds a passage's article. */
  private readonly firsts: Int32Array;
  private readonly byRow: CatalogueEntry[];
  private readonly wordVectors: WordVectorCache;
  private readonly where: string;
  private readonly postings: PostingsReader;
  /** Postings read first from each list (keywordTopK's FIRST_READ unless set: the benchmark reads whole lists to check). */
  keywordFirstRead: number | undefined;
  /** What the keyword rankings read, when the benchmark counts it. */
  keywordStats: KeywordReadStats | undefined;
  /** Allowed passages up to which a scoped vector search scans them all (scope.ts's EXACT_SCAN_PASSAGES unless a test wants the graph). */
  exactScanPassages = EXACT_SCAN_PASSAGES;
  /** Rows scored exactly from the held vectors' int8 order, before the database scans them all (HELD_CANDIDATES unless a test wants fewer). */
  heldCandidates: readonly number[] = HELD_CANDIDATES;
  /** How the vector searches were answered: by the held vectors (at the first width or a later one), by the database's exact scan (the bound did not separate them), or by the graph (without held vectors; unscoped ones only are counted). */
  readonly vectorSearches = { held: 0, widened: 0, scanned: 0, graph: 0 };
  private wholeLength: Promise<number> | undefined;
  private iterativeScans: Promise<boolean> | undefined;
  /** The build's passage vectors as int8, once warm-up has read them (within vectorScanMaxPassages). */
  private held: HeldVectors | undefined;
  private readonly vectorScanMaxPassages: number;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly build: Omit<BuildRow, "manifest">,
    readonly manifest: Manifest,
    readonly articles: ReadonlyMap<string, CatalogueEntry>,
    private readonly terms: string[],
    private readonly spellings: string[],
    private readonly documents: Uint32Array,
    private readonly termRow: ReadonlyMap<string, number>,
    private readonly averageLength: number,
    /** The precision of the build's HNSW graph (graph.ts). */
    readonly graphPrecision: GraphPrecision,
    options: PostgresSourceOptions,
  ) {
    this.vectorScanMaxPassages = options.vectorScanMaxPassages ?? DEFAULT_VECTOR_SCAN_MAX_PASSAGES;
    this.byRow = [...articles.values()].sort((a, b) => a.row - b.row);
    this.firsts = Int32Array.from(this.byRow, (article) => article.first);
    this.wordVectors = new WordVectorCache(terms.length, build.dimensions + 4, TERM_CACHE_SIZE);
    this.lexicon = new VocabularyLexicon(terms, spellings, termRow, (row) => documents[row]!, manifest.counts.passages, articles);
    this.where = `build ${build.name} in PostgreSQL`;
    this.postings = {
      read: (slices) => readPostings(pool, build.id, slices, this.where),
      passageTerms: async (docs) => {
        const { rows } = await pool.query<{ row: number; terms: number[] }>(`select row, terms from ${partition("passages", build.id)} where build = ${build.id} and row = any($1::int[])`, [docs]);
        return new Map(rows.map((row) => [row.row, row.terms]));
      },
    };
  }

  get buildId(): string {
    return this.build.name;
  }

  /** Opens the database's current build (or the given one): its manifest, article list and lexicon. */
  static async open(pool: pg.Pool, build?: BuildRow, options: PostgresSourceOptions = {}): Promise<PostgresSource> {
    const row = build ?? (await currentBuild(pool));
    if (!row) throw new DatabaseIndexMissingError();
    const where = `build ${row.name} in PostgreSQL`;
    let manifest: Manifest;
    try {
      manifest = parseManifestFields(row.manifest);
    } catch (error) {
      if (error instanceof ManifestFormatError) throw new IndexOutdatedError(where, error.message);
      throw new IndexCorruptError(where, (error as Error).message, error);
    }
    const [articleRows, termRows, keywordRows, precision] = await Promise.all([
      pool.query<{ row: number; id: string; title: string; outlet: string; published: string; url: string; file: string; hash: string; first_passage: number; end_passage: number }>(
        `select row, id, title, outlet, published, url, file, hash, first_passage, end_passage from ${partition("articles", row.id)} order by row`,
      ),
      pool.query<{ id: number; term: string; spelling: string; documents: number }>(`select id, term, spelling, documents from ${partition("terms", row.id)} order by id`),
      pool.query<{ average: number | null }>("select keyword_average_length as average from verbatim_builds where id = $1", [row.id]),
      graphPrecisionOf(pool, row.id),
    ]);
    const averageLength = keywordRows.rows[0]?.average;
    if (averageLength === null || averageLength === undefined) throw new IndexOutdatedError(where, "its keyword postings are in an older layout; run `npm run index` (it reuses the stored embeddings)");
    if (articleRows.rows.length !== manifest.counts.articles) throw new IndexCorruptError(where, `it holds ${articleRows.rows.length} articles, not the ${manifest.counts.articles} its manifest records`);
    // Each string once in memory (at 100,000 articles the list is most of what a process holds): an
    // article's hash and file are the manifest's strings, and outlets and dates, which repeat, one
    // string each.
    const articles = new Map<string, CatalogueEntry>();
    const repeated = new Map<string, string>();
    const once = (text: string): string => {
      const known = repeated.get(text);
      if (known !== undefined) return known;
      repeated.set(text, text);
      return text;
    };
    for (const a of articleRows.rows) {
      const listed = manifest.articles[a.id];
      const hash = listed?.hash === a.hash ? listed.hash : a.hash;
      const file = listed?.file === a.file ? listed.file : a.file;
      articles.set(a.id, { id: a.id, title: a.title, outlet: once(a.outlet), published: once(a.published), url: a.url, file, hash, row: a.row, first: a.first_passage, end: a.end_passage });
    }
    const n = termRows.rows.length;
    const terms = new Array<string>(n);
    const spellings = new Array<string>(n);
    const documents = new Uint32Array(n);
    termRows.rows.forEach((t, i) => {
      if (t.id !== i) throw new IndexCorruptError(where, "its terms are not numbered 0, 1, 2, …");
      terms[i] = t.term;
      spellings[i] = t.spelling === t.term ? t.term : t.spelling; // most are the same word: one string
      documents[i] = t.documents;
    });
    return new PostgresSource(pool, { id: row.id, name: row.name, dimensions: row.dimensions }, manifest, articles, terms, spellings, documents, new Map(terms.map((term, i) => [term, i])), averageLength, precision, options);
  }

  private idfOf(id: number): number {
    const n = this.documents[id]!;
    return Math.log(1 + (this.manifest.counts.passages - n + 0.5) / (n + 0.5));
  }

  /** The article a passage row belongs to. */
  private articleAt(item: number): CatalogueEntry {
    let low = 0;
    let high = this.firsts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.firsts[middle]! <= item) low = middle;
      else high = middle - 1;
    }
    return this.byRow[low]!;
  }

  /**
   * The view of only these articles. Its word counts are read from the database on `prepare` (a
   * question awaits it; the retriever keeps the view), from whichever side has fewer passages.
   */
  restrict(allowed: ReadonlySet<string>): IndexView {
    const seen = new Map<string, CatalogueEntry>();
    const inside: CatalogueEntry[] = [];
    const outside: CatalogueEntry[] = [];
    for (const article of this.byRow) {
      if (allowed.has(article.id)) {
        seen.set(article.id, article);
        inside.push(article);
      } else outside.push(article);
    }
    const kept = rowRanges(inside);
    const left = rowRanges(outside);
    let within: Within | undefined;
    let loading: Promise<void> | undefined;
    const prepare = (): Promise<void> =>
      (loading ??= (async () => {
        within = await scopeWithin(this.pool, this.whole, kept, left);
      })().catch((error: unknown) => {
        loading = undefined;
        throw error;
      }));
    const lexicon = new ScopedLexicon(
      (term) => {
        const id = this.termRow.get(term);
        if (id === undefined) return 0;
        if (!within) throw new Error("A scoped view of the PostgreSQL store was read before prepare() loaded its word counts.");
        return within.frequency(id);
      },
      kept.passages,
      this.lexicon,
      seen,
    );
    return {
      articles: seen,
      lexicon,
      prepare,
      gather: async (terms, queryVector, limit) => {
        await prepare();
        return this.gatherWithin(terms, queryVector, limit, within);
      },
    };
  }

  /** What a scope's reading needs of the whole build; its total length and pgvector's version are read once. */
  private get whole(): WholeBuild {
    return {
      id: this.build.id,
      passages: this.manifest.counts.passages,
      documents: this.documents,
      averageLength: this.averageLength,
      totalLength: () =>
        (this.wholeLength ??= totalLength(this.pool, this.build.id).catch((error: unknown) => {
          this.wholeLength = undefined;
          throw error;
        })),
      iterativeScans: () =>
        (this.iterativeScans ??= iterativeScans(this.pool).catch((error: unknown) => {
          this.iterativeScans = undefined;
          throw error;
        })),
    };
  }

  async gather(queryTerms: readonly string[], queryVector: Float32Array, limit: number): Promise<Gathered> {
    return this.gatherWithin(queryTerms, queryVector, limit);
  }

  private async gatherWithin(queryTerms: readonly string[], queryVector: Float32Array, limit: number, within?: Within): Promise<Gathered> {
    const id = this.build.id;
    const d = this.build.dimensions;
    const queryIds = [...new Set(queryTerms.map((term) => this.termRow.get(term)).filter((row): row is number => row !== undefined))];
    const vector = vectorLiteral(queryVector);
    // 1. Both rankings, side by side (within a scope: of its passages only, by its own rarities and
    // mean length). The vector search returns its hits' passages, the passage before each and their
    // articles in the same query (candidatesSql).
    let vectorRows: Promise<{ rows: CandidateRow[] }>;
    if (this.held) vectorRows = this.heldSearch(this.held, queryVector, vector, limit, queryIds, within);
    else if (within) {
      const scoped = nearestWithinSql(id, d, this.graphPrecision, within.allowed, within.excluded, limit, within.iterative ? this.exactScanPassages : Infinity);
      vectorRows = (scoped.iterative ? filteredSearchQuery : searchQuery)<CandidateRow>(this.pool, candidatesSql(scoped.text, id, d, scoped.values.length + 2), [vector, ...scoped.values, queryIds]);
    } else {
      this.vectorSearches.graph++;
      vectorRows = searchQuery<CandidateRow>(this.pool, candidatesSql(graphSearchSql(id, d, this.graphPrecision), id, d, 3), [vector, limit, queryIds]);
    }
    // Not left unhandled while the keyword ranking is awaited: its failure is thrown below.
    vectorRows.catch(() => undefined);
    // A term the scope's passages never use adds nothing to any of them: its postings are not read.
    const keywordIds = within ? queryIds.filter((term) => within.frequency(term) > 0) : queryIds;
    const idf = within ? (term: number) => within.idf(term) : (term: number) => this.idfOf(term);
    const keywordHits: KeywordHit[] =
      keywordIds.length === 0
        ? []
        : await keywordTopK(
            { terms: keywordIds, factors: keywordIds.map((term) => idf(term) * (BM25_K1 + 1)), averageLength: within?.averageLength ?? this.averageLength, passages: this.manifest.counts.passages, limit, firstRead: this.keywordFirstRead, ...(within ? { within: within.keyword } : {}) },
            this.postings,
            this.keywordStats,
          );
    lap("keyword gather");
    // 2. The keyword candidates, the passage before each (its last sentence may be context) and
    // their articles, read while the vector search may still run.
    const keywordRows = this.candidateRows(keywordHits.map((hit) => hit.doc), queryIds, vector);
    const [vectorResult, keywordResult] = await Promise.all([vectorRows, keywordRows]);
    const passageRows = new Map<number, CandidateRow>();
    const articleRows = new Map<number, CandidateRow>();
    const hitRows: CandidateRow[] = [];
    for (const row of [...keywordResult, ...vectorResult.rows]) {
      if (row.kind === ARTICLE) articleRows.set(row.row, row);
      else {
        passageRows.set(row.row, row);
        if (row.kind === HIT) hitRows.push(row);
      }
    }
    // Nearest first, ties by row: the order of every search's own ORDER BY.
    const vectorHits: VectorHit[] = hitRows.map((row) => ({ row: row.row, score: Number(row.score) })).sort((a, b) => b.score - a.score || a.row - b.row);
    lap("vector scan");
    for (const row of passageRows.values()) if (!articleRows.has(row.article_row)) throw new IndexCorruptError(this.where, "a ranked passage's article is missing");
    // 3. Word vectors for every term the candidates and the question use, as a vocabulary of their own.
    const globalIds = new Set<number>(queryIds);
    for (const row of passageRows.values()) for (const term of row.terms) globalIds.add(term);
    const local = [...globalIds];
    const localOf = new Map(local.map((global, i) => [global, i]));
    const vocabulary = await this.vocabularyOf(local);

    const passages = new Map<number, { passage: Passage; terms: Int32Array[]; similarity: number }>();
    for (const row of passageRows.values()) {
      const article = this.byRow[row.article_row]!;
      const sentences: Span[] = [];
      for (let k = 0; k < row.sentences.length; k += 2) sentences.push({ start: row.sentences[k]!, end: row.sentences[k + 1]! });
      const terms = row.term_ends.map((end, k) => Int32Array.from(row.terms.slice(k === 0 ? 0 : row.term_ends[k - 1]!, end), (global) => localOf.get(global)!));
      if (terms.length !== sentences.length) throw new IndexCorruptError(this.where, `passage ${row.row}'s sentences and their terms disagree`);
      passages.set(row.row, { passage: { id: `${article.id}#${row.row - article.first}`, articleId: article.id, start: row.start, end: row.end, sentences }, terms, similarity: Number(row.score) });
    }
    const bodies = new Map<string, Article>();
    const covered = new Map<number, Set<number>>();
    for (const row of articleRows.values()) {
      const info = this.byRow[row.row]!;
      if (sha256Hex(row.body) !== row.body_sha256) throw new IndexCorruptError(this.where, `the text of the article ${info.id} does not match its checksum`);
      const { row: _row, first: _first, end: _end, ...fields } = info;
      bodies.set(info.id, { ...fields, body: row.body });
      covered.set(info.first, new Set(row.covered.map((global) => localOf.get(global)!)));
    }
    // Within a scope, rarities as the file store's restricted view keeps them (float64); otherwise as its whole one (float32).
    const weights = within ? Float64Array.from(local, idf) : Float32Array.from(local, idf);
    lap("candidate fetch");
    return {
      keywordHits,
      vectorHits,
      similarity: (item) => passages.get(item)?.similarity ?? 0,
      passage: (item) => passages.get(item)?.passage,
      article: (articleId) => bodies.get(articleId)!,
      vocabulary,
      termWeight: (localId) => weights[localId]!,
      sentenceTerms: (item, k) => passages.get(item)!.terms[k]!,
      articleRange: (item) => {
        const article = this.articleAt(item);
        return { first: article.first, end: article.end };
      },
      hasTermIn: (localId, first) => covered.get(first)?.has(localId) ?? false,
    };
  }

  /**
   * The exact nearest `limit` passages (as candidatesSql reads them) from the held vectors' best by
   * int8 score, scored exactly by the database: the first width whose bound shows that no row left
   * out can reach the last hit, else a scan of every row.
   */
  private async heldSearch(held: HeldVectors, queryVector: Float32Array, vector: string, limit: number, queryIds: number[], within?: Within): Promise<{ rows: CandidateRow[] }> {
    const id = this.build.id;
    const d = this.build.dimensions;
    // A scope's rows, as a mask over the held rows (made for each question: a byte a passage, which
    // a view kept per server would otherwise hold for as long as the build serves).
    const mask = within ? rowMask(within.allowed, held.rows) : undefined;
    // The keyword ranking's first read goes out first: the database reads its postings while this
    // process scans the int8 rows.
    await new Promise((resolve) => setImmediate(resolve));
    for (const [i, width] of this.heldCandidates.entries()) {
      const found = held.candidates(queryVector, Math.max(width, limit), mask);
      if (!found) break;
      const result = await this.pool.query<CandidateRow>(candidatesSql(exactNearestSql(id, d, true), id, d, 4), [vector, found.rows, limit, queryIds]);
      let last = Infinity;
      let hits = 0;
      for (const row of result.rows) {
        if (row.kind !== HIT) continue;
        hits++;
        last = Math.min(last, Number(row.score));
      }
      if (found.ceiling === -Infinity || (hits === limit && found.ceiling < last)) {
        if (i === 0) this.vectorSearches.held++;
        else this.vectorSearches.widened++;
        return result;
      }
    }
    this.vectorSearches.scanned++;
    if (!within) return this.pool.query<CandidateRow>(candidatesSql(exactNearestSql(id, d, false), id, d, 3), [vector, limit, queryIds]);
    // The scope's rows scanned exactly, by their ranges.
    const scoped = nearestWithinSql(id, d, this.graphPrecision, within.allowed, within.excluded, limit, Infinity);
    return this.pool.query<CandidateRow>(candidatesSql(scoped.text, id, d, scoped.values.length + 2), [vector, ...scoped.values, queryIds]);
  }

  /** The given passages, the one before each in its article, their similarity to the question and their articles, in one query. */
  private async candidateRows(items: readonly number[], queryIds: readonly number[], vector: string): Promise<CandidateRow[]> {
    if (items.length === 0) return [];
    const id = this.build.id;
    const d = this.build.dimensions;
    const wanted = new Set(items);
    const articleRows = new Set<number>();
    for (const item of items) {
      const article = this.articleAt(item);
      articleRows.add(article.row);
      if (item - 1 >= article.first) wanted.add(item - 1);
    }
    const { rows } = await this.pool.query<CandidateRow>(
      `select ${PASSAGE} as kind, row, -((embedding::vector(${d})) <#> $2::vector(${d})) as score, article_row, start, "end", sentences, term_ends, terms, null::text as body, null::text as body_sha256, null::int[] as covered from ${partition("passages", id)} where build = ${id} and row = any($1::int[])
       union all ${articleRowsSql(id, "= any($3::int[])", 4)}`,
      [[...wanted], vector, [...articleRows], queryIds],
    );
    let passages = 0;
    for (const row of rows) if (row.kind !== ARTICLE) passages++;
    if (passages !== wanted.size) throw new IndexCorruptError(this.where, "a ranked passage is missing from its passages");
    if (rows.length - passages !== articleRows.size) throw new IndexCorruptError(this.where, "a ranked passage's article is missing");
    return rows;
  }

  /**
   * A vocabulary of the given terms (global ids), numbered in that order; its vectors are the
   * model's size, as the passages'. Those in the cache are copied out before anything is awaited
   * (so another question's reading cannot take their slots first); the others are read and cached.
   */
  private async vocabularyOf(ids: readonly number[]): Promise<Vocabulary> {
    const { dimensions } = this.build;
    const vectors = new Float32Array(ids.length * dimensions);
    const names = new Uint8Array(ids.length);
    const missing: number[] = [];
    ids.forEach((global, i) => {
      const held = this.wordVectors.get(global);
      if (!held) return void missing.push(i);
      dequantizeRow(held.stored, dimensions, vectors, i * dimensions);
      names[i] = held.name ? 1 : 0;
    });
    if (missing.length > 0) {
      const at = new Map(missing.map((i) => [ids[i]!, i]));
      const rows = await this.readWordVectors("and id = any($1::int[])", [[...at.keys()]]);
      if (rows.length !== missing.length) throw new IndexCorruptError(this.where, "a passage names a term its vocabulary does not have");
      for (const row of rows) {
        const i = at.get(row.id)!;
        dequantizeRow(row.vector, dimensions, vectors, i * dimensions);
        names[i] = row.name ? 1 : 0;
      }
    }
    const terms = ids.map((global) => this.terms[global]!);
    return { terms, spellings: ids.map((global) => this.spellings[global]!), names, dimensions, vectors, row: new Map(terms.map((term, i) => [term, i])) };
  }

  async body(articleId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ body: string; body_sha256: string }>(`select body, body_sha256 from ${partition("articles", this.build.id)} where build = ${this.build.id} and id = $1`, [articleId]);
    const row = rows[0];
    if (!row) return undefined;
    if (sha256Hex(row.body) !== row.body_sha256) throw new IndexCorruptError(this.where, `the text of the article ${articleId} does not match its checksum`);
    return row.body;
  }

  /**
   * Builds the lexicon's typo index, and reads the word vectors of the build's most used terms
   * into the cache (up to its size; at 10,000 articles its whole vocabulary, about 7 MB in one
   * query), so that a question reads word vectors only for rare terms beyond the cache; and, up
   * to vectorScanMaxPassages, the passage vectors as int8 (HeldVectors), for an exact search
   * without the graph (about 2 s at 10,000 articles).
   */
  async warmUp(): Promise<void> {
    this.lexicon.warmUp();
    await this.readWordVectors(`order by documents desc, id limit ${this.wordVectors.capacity}`, []);
    const passages = this.manifest.counts.passages;
    if (!this.held && passages > 0 && passages <= this.vectorScanMaxPassages) this.held = await HeldVectors.load(this.pool, this.build.id, passages, this.build.dimensions);
  }

  /** Bytes the held passage vectors take (0 when the graph searches). */
  get heldVectorBytes(): number {
    return this.held?.bytes ?? 0;
  }

  /** Reads word vectors of the build's terms (`rest`: the query's condition or order after the build's), checks their size and caches them. */
  private async readWordVectors(rest: string, values: unknown[]): Promise<{ id: number; name: boolean; vector: Buffer }[]> {
    const { rows } = await this.pool.query<{ id: number; name: boolean; vector: Buffer }>(`select id, name, vector from ${partition("terms", this.build.id)} where build = ${this.build.id} ${rest}`, values);
    for (const row of rows) {
      if (row.vector.length - 4 !== this.build.dimensions) throw new IndexCorruptError(this.where, "its word vectors differ in size");
      this.wordVectors.put(row.id, row.vector, row.name);
    }
    return rows;
  }

  /** Checks every article's text against its checksum, in the database (nothing is sent back but a damaged article's id). */
  async verify(): Promise<void> {
    const { rows } = await this.pool.query<{ id: string }>(`select id from ${partition("articles", this.build.id)} where encode(sha256(convert_to(body, 'UTF8')), 'hex') <> body_sha256 limit 1`);
    if (rows[0]) throw new IndexCorruptError(this.where, `the text of the article ${rows[0].id} does not match its checksum`);
  }
}
