/**
 * What the PostgreSQL store reads to answer within some articles (a server's scope, a filter) as
 * if they were the whole index, as the file store's restricted view does: their passages' rows,
 * each term's passages among them (rarity, known words, typo correction) and their mean length.
 *
 * The word counts are made by SQL once per view (the retriever keeps the busiest views) from
 * whichever side has fewer passages: the allowed articles (a filter, a small scope), or the others
 * (a server's scope is the shared corpus and its own articles, and leaves out only the other
 * servers'), whose counts are then taken from the build's whole ones.
 */
import type pg from "pg";
import { weightBound, type KeywordScope } from "./keywordTopK.js";
import { graphSearchSql, pgvectorVersion, type GraphPrecision } from "./graph.js";
import { partition } from "./schema.js";

/** Where an article's passages are: rows [first, end) of its build's passages, consecutive. */
export interface PassageSpan {
  row: number;
  first: number;
  end: number;
}

/** Passage rows as ranges [first, end), merged where one article's passages follow another's. */
export interface RowRanges {
  firsts: number[];
  ends: number[];
  /** How many passages the ranges hold. */
  passages: number;
  /** The articles' rows. */
  articleRows: number[];
}

/** The ranges of some articles' passages (given in passage order). */
export function rowRanges(articles: readonly PassageSpan[]): RowRanges {
  const firsts: number[] = [];
  const ends: number[] = [];
  let passages = 0;
  for (const { first, end } of articles) {
    if (end <= first) continue;
    passages += end - first;
    if (ends.length > 0 && ends[ends.length - 1] === first) ends[ends.length - 1] = end;
    else {
      firsts.push(first);
      ends.push(end);
    }
  }
  return { firsts, ends, passages, articleRows: articles.map((article) => article.row) };
}

/** What some passages add up to: how many of them use each term (by term id), and their length in terms. */
export interface WordCounts {
  counts: Map<number, number>;
  length: number;
}

/** Counts the terms of the passages in `ranges` (each term once per passage) and their total length, in the database. */
export async function wordCounts(pool: pg.Pool, build: number, ranges: RowRanges): Promise<WordCounts> {
  if (ranges.passages === 0) return { counts: new Map(), length: 0 };
  const table = partition("passages", build);
  const scoped = `from unnest($1::int[], $2::int[]) as r (first, stop) join ${table} p on p.build = ${build} and p.row >= r.first and p.row < r.stop`;
  const values = [ranges.firsts, ranges.ends];
  const [terms, length] = await Promise.all([
    pool.query<{ term: number; passages: number }>(`select t.term, count(*)::int as passages ${scoped} cross join lateral (select distinct unnest(p.terms) as term) t group by t.term`, values),
    pool.query<{ length: string | null }>(`select sum(cardinality(p.terms))::bigint as length ${scoped}`, values),
  ]);
  return { counts: new Map(terms.rows.map((row) => [row.term, row.passages])), length: Number(length.rows[0]?.length ?? 0) };
}

/** What restricts a question to some articles: their passages, their ranges, and their words' rarity and mean length. */
export interface Within {
  allowed: RowRanges;
  excluded: RowRanges;
  keyword: KeywordScope;
  averageLength: number;
  /** Whether the server's pgvector has iterative index scans; without them every scoped vector search is an exact scan. */
  iterative: boolean;
  /** Allowed passages that use a term (by term id). */
  frequency(id: number): number;
  idf(id: number): number;
}

/** What a scope's reading needs of its whole build. */
export interface WholeBuild {
  id: number;
  passages: number;
  /** Passages that use each term, by term id. */
  documents: Uint32Array;
  /** The mean passage length the stored postings' weights were worked out with. */
  averageLength: number;
  totalLength(): Promise<number>;
  iterativeScans(): Promise<boolean>;
}

/** Reads what restricts a question to the `kept` passages (their word counts from the side with fewer passages: `kept` or `left`). */
export async function scopeWithin(pool: pg.Pool, whole: WholeBuild, kept: RowRanges, left: RowRanges): Promise<Within> {
  const countKept = kept.passages <= left.passages;
  const [words, wholeLength, iterative] = await Promise.all([wordCounts(pool, whole.id, countKept ? kept : left), countKept ? 0 : whole.totalLength(), whole.iterativeScans()]);
  const rows = new Uint8Array(whole.passages);
  for (let i = 0; i < kept.firsts.length; i++) rows.fill(1, kept.firsts[i], kept.ends[i]);
  const length = countKept ? words.length : wholeLength - words.length;
  const averageLength = kept.passages === 0 ? 1 : Math.max(1, length / kept.passages);
  const frequency = countKept ? (id: number) => words.counts.get(id) ?? 0 : (id: number) => whole.documents[id]! - (words.counts.get(id) ?? 0);
  return {
    allowed: kept,
    excluded: left,
    keyword: { allowed: (doc) => rows[doc] === 1, bound: weightBound(whole.averageLength, averageLength) },
    averageLength,
    iterative,
    frequency,
    idf: (id) => {
      const n = frequency(id);
      return Math.log(1 + (kept.passages - n + 0.5) / (n + 0.5));
    },
  };
}

/** Whether the database's pgvector has iterative index scans (`hnsw.iterative_scan`, 0.8 or later). */
export async function iterativeScans(pool: pg.Pool): Promise<boolean> {
  const [major, minor] = await pgvectorVersion(pool);
  return major > 0 || minor >= 8;
}

/** The total length in terms of every passage of a build. */
export async function totalLength(pool: pg.Pool, build: number): Promise<number> {
  const { rows } = await pool.query<{ length: string | null }>(`select sum(cardinality(terms))::bigint as length from ${partition("passages", build)} where build = ${build}`);
  return Number(rows[0]?.length ?? 0);
}

/**
 * Allowed passages up to which a scoped vector search reads every one of them exactly (by their
 * row ranges, through the primary key) rather than through the HNSW graph: 10,000 passages are
 * about 500 news articles, a scan of a few ms to a few tens of ms, and exact. Above it the graph
 * is searched with pgvector's iterative scan (see nearestWithinSql).
 */
export const EXACT_SCAN_PASSAGES = 10_000;

/**
 * The vector ranking of the allowed passages only, as SQL and its values ($1 the question's
 * vector, then the rest), and whether it must run with `hnsw.iterative_scan` on.
 *
 * Few allowed passages (at most `exactScan`) are scored every one: exact, as the file store's
 * masked scan is, and a filter on the HNSW graph would have to walk past many other passages to
 * find them. More are searched through the graph with a filter and `hnsw.iterative_scan =
 * strict_order` (pgvector 0.8): the scan goes on past ef_search candidates until `limit` allowed
 * rows are found, in the graph's distance order (then re-scored exactly: graph.ts), so the scope's
 * nearest are as near-exact as an unscoped search is (without it, the filter would run on only
 * ef_search candidates and often leave fewer than `limit`). With at least `exactScan` allowed passages they are a large enough share of most
 * builds that the scan finds them well within pgvector's hnsw.max_scan_tuples (20,000).
 * The graph filter names the articles of whichever side is shorter, allowed or not.
 */
export function nearestWithinSql(
  build: number,
  dimensions: number,
  precision: GraphPrecision,
  allowed: RowRanges,
  excluded: RowRanges,
  limit: number,
  exactScan = EXACT_SCAN_PASSAGES,
): { text: string; values: unknown[]; iterative: boolean } {
  const table = partition("passages", build);
  const distance = `(p.embedding::vector(${dimensions})) <#> $1::vector(${dimensions})`;
  if (allowed.passages <= exactScan) {
    // Materialised, so that the planner cannot take the ORDER BY to the HNSW index.
    return {
      text: `with scoped as materialized (select p.row, ${distance} as distance from unnest($2::int[], $3::int[]) as r (first, stop) join ${table} p on p.build = ${build} and p.row >= r.first and p.row < r.stop) select row, -distance as score from scoped order by distance, row limit $4`,
      values: [allowed.firsts, allowed.ends, limit],
      iterative: false,
    };
  }
  const fewerAllowed = allowed.articleRows.length <= excluded.articleRows.length;
  const filter = fewerAllowed ? "p.article_row = any($3::int[])" : "not (p.article_row = any($3::int[]))";
  return { text: graphSearchSql(build, dimensions, precision, filter), values: [limit, fewerAllowed ? allowed.articleRows : excluded.articleRows], iterative: true };
}
