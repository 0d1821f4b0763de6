/**
 * `npm run index` into PostgreSQL: the same plan as the file store (buildPlan.ts) and the same
 * contents (assembleBuild), written in one transaction that also makes the build current and
 * announces it (NOTIFY, delivered at commit). A build killed at any point leaves the previous one
 * serving: nothing of it is visible before the commit. Two builders never interleave: each holds
 * an advisory lock from reading the previous build to its commit.
 */
import type pg from "pg";
import type { Article } from "../../corpus/article.js";
import { parseCorpus, readCorpusFiles } from "../../corpus/loadCorpus.js";
import type { Embedder } from "../../embeddings/embedder.js";
import { sha256Hex } from "../manifest.js";
import { assembleBuild, CorpusInvalidError, CorpusSkipsRefusedError, type AssembledBuild, type BuildOptions } from "../build.js";
import { articleChanges, changesNothing, fullRebuildReason, newManifest, noArticlesMessage, quotableArticles, sameFiles, upToDateReport, type BuildReport, type PreviousBuild } from "../buildPlan.js";
import { newBuildName } from "../layout.js";
import { ManifestFormatError, parseManifestFields, type Manifest } from "../manifest.js";
import { dequantizeRow, quantizedRow } from "../vocabulary.js";
import type { ProgressReporter } from "../build.js";
import { createGraphSql, graphBuildBytes, graphMemoryWarning, graphPrecisionFor, maintenanceWorkMem, pgvectorVersion, type GraphPrecision } from "./graph.js";
import { BUILD_CHANNEL, BUILD_LOCK, BUILD_TABLES, currentBuild, LOCK_NAMESPACE, migrate, partition } from "./schema.js";
import { parseVector, vectorLiteral } from "./vectors.js";

/**
 * HNSW graph settings of a build's passage vectors. pgvector's defaults (m 16, ef_construction 64)
 * find 0.83 of the exact 40 nearest passages at 10,000 articles (ef_search 200); m 32,
 * ef_construction 200 find 0.98 at ef_search 400 (docs/scale.md).
 */
export interface HnswSettings {
  m: number;
  efConstruction: number;
}
export const DEFAULT_HNSW: HnswSettings = Object.freeze({ m: 32, efConstruction: 200 });

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters with every table's columns. */
const BATCH_ROWS = 500;

/** Another build holds the database's build lock. */
export class DatabaseBuildLockedError extends Error {
  constructor() {
    super("Another `npm run index` is building into this database: wait for it to finish, then run it again. (Its lock is released when its connection ends, so a killed build never leaves it held.)");
    this.name = "DatabaseBuildLockedError";
  }
}

/** What `buildPostgresIndex` needs beyond a file build's options (whose indexDir it ignores). */
export interface PostgresBuildOptions extends Omit<BuildOptions, "indexDir"> {
  pool: pg.Pool;
  hnsw?: HnswSettings;
  /** Called inside the write transaction, on its connection, just before it commits (tests kill or damage a build there). */
  beforeCommit?: (client: pg.PoolClient, build: number) => Promise<void>;
}

/** Whether a build's postings predate migration 2's layout (the reader refuses it; a new build replaces it, embedding nothing again). */
async function postingsOutdated(client: pg.PoolClient, build: number): Promise<boolean> {
  const { rows } = await client.query<{ average: number | null }>("select keyword_average_length as average from verbatim_builds where id = $1", [build]);
  return rows[0]?.average === null;
}

/** The build in use, as buildPlan.ts reads a previous build. */
async function previousBuild(client: pg.PoolClient): Promise<(PreviousBuild & { id: number }) | undefined> {
  const row = await currentBuild(client);
  if (!row) return undefined;
  // Parsed back into the schema's key order (jsonb keeps its own), which the plan compares by.
  try {
    return { id: row.id, name: row.name, manifest: parseManifestFields(row.manifest) };
  } catch (error) {
    if (error instanceof ManifestFormatError) return { id: row.id, name: row.name, problem: "the index was built by another version of Verbatim" };
    return { id: row.id, name: row.name, problem: `the previous index is damaged (its manifest ${(error as Error).message})` };
  }
}

/** Vectors of the previous build's passages of the given articles, by passage id. */
async function reusablePassageVectors(client: pg.PoolClient, build: number, articleIds: readonly string[]): Promise<Map<string, Float32Array>> {
  const vectors = new Map<string, Float32Array>();
  if (articleIds.length === 0) return vectors;
  const { rows } = await client.query<{ id: string; k: number; embedding: string }>(
    `select a.id, p.row - a.first_passage as k, p.embedding::text as embedding from ${partition("passages", build)} p join ${partition("articles", build)} a on a.row = p.article_row where a.build = ${build} and p.build = ${build} and a.id = any($1::text[])`,
    [articleIds],
  );
  for (const row of rows) vectors.set(`${row.id}#${row.k}`, parseVector(row.embedding));
  return vectors;
}

/** The previous build's word vectors, by term, with the spelling each was embedded from. */
async function reusableTermVectors(client: pg.PoolClient, build: number): Promise<Map<string, { spelling: string; vector: Float32Array }>> {
  const { rows } = await client.query<{ term: string; spelling: string; vector: Buffer }>(`select term, spelling, vector from ${partition("terms", build)}`);
  const terms = new Map<string, { spelling: string; vector: Float32Array }>();
  for (const row of rows) {
    const vector = new Float32Array(row.vector.length - 4);
    dequantizeRow(row.vector, vector.length, vector, 0);
    terms.set(row.term, { spelling: row.spelling, vector });
  }
  return terms;
}

/** Inserts rows in batches of multi-row VALUES. */
async function insertRows(client: pg.PoolClient, table: string, columns: readonly string[], casts: readonly string[], count: number, row: (i: number) => unknown[]): Promise<void> {
  for (let start = 0; start < count; start += BATCH_ROWS) {
    const end = Math.min(count, start + BATCH_ROWS);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let i = start; i < end; i++) {
      const fields = row(i);
      tuples.push(`(${fields.map((_, k) => `$${values.length + k + 1}${casts[k] ?? ""}`).join(", ")})`);
      values.push(...fields);
    }
    await client.query(`insert into ${table} (${columns.join(", ")}) values ${tuples.join(", ")}`, values);
  }
}

/**
 * A term's postings as the store keeps them: (int32 passage, float32 weight) pairs, little-endian,
 * impact-ordered (highest term-frequency part first, ties by passage), so that a question can read
 * only a list's head and bound the rest by its last weight (keywordTopK.ts).
 */
export function postingPairs(keyword: AssembledBuild["keyword"], term: number): Buffer {
  const { docs, weights } = keyword.postingsOf(term);
  const order = Array.from(docs, (_, i) => i).sort((x, y) => weights[y]! - weights[x]! || docs[x]! - docs[y]!);
  const pairs = Buffer.alloc(8 * order.length);
  order.forEach((i, k) => {
    pairs.writeInt32LE(docs[i]!, 8 * k);
    pairs.writeFloatLE(weights[i]!, 8 * k + 4);
  });
  return pairs;
}

/** How often the HNSW graph's progress is reported while it is built. */
const GRAPH_PROGRESS_MS = 30_000;

/**
 * Builds the graph on `client`, passing on pgvector's notices (it outgrew maintenance_work_mem) and,
 * every GRAPH_PROGRESS_MS, how many passages are in it (read from pg_stat_progress_create_index on
 * another connection): at 100,000 articles this step alone takes an hour.
 */
async function createGraph(client: pg.PoolClient, pool: pg.Pool, sql: string, passages: number, progress: ProgressReporter | undefined): Promise<void> {
  const started = Date.now();
  const pid = (await client.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
  const onNotice = (notice: { message?: string; detail?: string; hint?: string }) => progress?.note?.(`PostgreSQL: ${[notice.message, notice.detail, notice.hint].filter(Boolean).join(" ")}`);
  client.on("notice", onNotice);
  progress?.note?.(`building the HNSW graph of ${passages.toLocaleString("en-US")} passages…`);
  const timer = setInterval(() => {
    pool
      .query<{ done: string }>("select tuples_done::text as done from pg_stat_progress_create_index where pid = $1", [pid])
      .then(({ rows }) => {
        if (rows[0]) progress?.note?.(`the HNSW graph holds ${Number(rows[0].done).toLocaleString("en-US")} of ${passages.toLocaleString("en-US")} passages (${Math.round((Date.now() - started) / 60_000)} min)`);
      })
      .catch(() => undefined); // only a progress line: the build itself reports its own errors
  }, GRAPH_PROGRESS_MS);
  try {
    await client.query(sql);
  } finally {
    clearInterval(timer);
    client.off("notice", onNotice);
  }
}

/** Writes a build's partitions and HNSW index; returns nothing until every row is in. */
async function writeBuild(client: pg.PoolClient, pool: pg.Pool, build: number, articles: readonly Article[], built: AssembledBuild, hnsw: HnswSettings, precision: GraphPrecision, progress: ProgressReporter | undefined): Promise<void> {
  const { passages, vectorRows, dimensions, vocabulary, sentenceTerms, keyword } = built;
  for (const table of BUILD_TABLES) await client.query(`create table ${partition(table, build)} partition of verbatim_${table} for values in (${build})`);
  const articleRow = new Map(articles.map((article, i) => [article.id, i]));
  const firstPassage = new Int32Array(articles.length).fill(-1);
  const endPassage = new Int32Array(articles.length);
  passages.forEach((passage, i) => {
    const a = articleRow.get(passage.articleId)!;
    if (firstPassage[a] === -1) firstPassage[a] = i;
    endPassage[a] = i + 1;
  });
  const passageTerms = passages.map((passage, i) => {
    const ends: number[] = [];
    const terms: number[] = [];
    passage.sentences.forEach((_, k) => {
      for (const id of sentenceTerms.of(i, k)) terms.push(id);
      ends.push(terms.length);
    });
    return { ends, terms };
  });
  await insertRows(
    client,
    partition("articles", build),
    ["build", "row", "id", "title", "outlet", "published", "url", "file", "hash", "body", "body_sha256", "first_passage", "end_passage", "terms"],
    [],
    articles.length,
    (a) => {
      const article = articles[a]!;
      const terms = new Set<number>();
      for (let p = firstPassage[a]!; p < endPassage[a]!; p++) for (const id of passageTerms[p]!.terms) terms.add(id);
      return [build, a, article.id, article.title, article.outlet, article.published, article.url, article.file, article.hash, article.body, sha256Hex(article.body), firstPassage[a], endPassage[a], [...terms].sort((x, y) => x - y)];
    },
  );
  await insertRows(client, partition("passages", build), ["build", "row", "article_row", "start", '"end"', "sentences", "term_ends", "terms", "embedding"], ["", "", "", "", "", "", "", "", "::vector"], passages.length, (i) => {
    const passage = passages[i]!;
    return [build, i, articleRow.get(passage.articleId), passage.start, passage.end, passage.sentences.flatMap((span) => [span.start, span.end]), passageTerms[i]!.ends, passageTerms[i]!.terms, vectorLiteral(vectorRows.subarray(i * dimensions, (i + 1) * dimensions))];
  });
  const termCount = vocabulary.terms.length;
  const documents = vocabulary.terms.map((term) => keyword.documentFrequency(term));
  await insertRows(client, partition("terms", build), ["build", "id", "term", "spelling", "documents", "name", "vector"], [], termCount, (id) => [build, id, vocabulary.terms[id], vocabulary.spellings[id], documents[id], vocabulary.names[id] === 1, quantizedRow(vocabulary, id)]);
  await insertRows(client, partition("postings", build), ["build", "term", "pairs"], [], termCount, (id) => [build, id, postingPairs(keyword, id)]);
  await createGraph(client, pool, createGraphSql(build, dimensions, precision, hnsw.m, hnsw.efConstruction), passages.length, progress);
  await client.query(`analyze ${partition("passages", build)}`);
}

/** Drops every build but `keep` (the new one and the one it replaced: bots may still be reading it). */
async function dropOldBuilds(pool: pg.Pool, keep: readonly number[]): Promise<void> {
  const { rows } = await pool.query<{ id: number }>("select id from verbatim_builds where not (id = any($1::int[]))", [keep]);
  for (const { id } of rows) {
    const client = await pool.connect();
    try {
      await client.query("begin");
      for (const table of BUILD_TABLES) await client.query(`drop table if exists ${partition(table, id)}`);
      await client.query("delete from verbatim_builds where id = $1", [id]);
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/**
 * Builds the corpus into the database, embedding only added or changed articles, and makes the
 * build current in the transaction that writes it. Applies the schema's migrations first.
 */
export async function buildPostgresIndex(options: PostgresBuildOptions): Promise<BuildReport> {
  const { pool } = options;
  await migrate(pool);
  const corpus = await readCorpusFiles(options.corpusDir);
  const lock = await pool.connect();
  try {
    const { rows } = await lock.query<{ locked: boolean }>("select pg_try_advisory_lock($1, $2) as locked", [LOCK_NAMESPACE, BUILD_LOCK]);
    if (!rows[0]?.locked) throw new DatabaseBuildLockedError();
    const previous = await previousBuild(lock);
    let reason = fullRebuildReason(previous, options);
    const last = previous && "manifest" in previous ? previous : undefined;
    const outdated = last !== undefined && (await postingsOutdated(lock, last.id));
    if (!reason && !outdated && sameFiles(last!.manifest, corpus.files)) {
      if (options.strict && corpus.skipped.length > 0) throw new CorpusSkipsRefusedError(corpus.skipped);
      return upToDateReport(last!, corpus.skipped);
    }
    const read = parseCorpus(corpus);
    if (read.errors.length > 0) throw new CorpusInvalidError(read.errors);
    const { articles, passagesOf, skipped } = quotableArticles(read.articles, read.skipped, options.passageSettings);
    if (options.strict && skipped.length > 0) throw new CorpusSkipsRefusedError(skipped);
    if (articles.length === 0) throw new Error(noArticlesMessage(options.corpusDir, skipped));
    const changes = articleChanges(last?.manifest.articles ?? {}, articles);
    const report = { ...changes, fullRebuildReason: reason, skipped };
    if (!reason && !outdated && changesNothing(changes)) return upToDateReport(last!, skipped, changes);
    // Before anything is embedded: whether the graph will fit where pgvector builds it (the vectors'
    // size is the last build's model's; unknown before a first build, when only the links count).
    const hnsw = options.hnsw ?? DEFAULT_HNSW;
    const passageCount = articles.reduce((sum, article) => sum + passagesOf.get(article.id)!.length, 0);
    const precision = graphPrecisionFor(await pgvectorVersion(lock));
    const needed = graphBuildBytes(passageCount, last?.manifest.model.dimensions ?? 0, precision, hnsw.m);
    const warning = graphMemoryWarning(passageCount, needed, await maintenanceWorkMem(lock));
    if (warning) options.progress?.note?.(warning);

    const reusedVectors = reason || !last ? new Map<string, Float32Array>() : await reusablePassageVectors(lock, last.id, changes.unchanged);
    const reusedTerms = reason || !last ? new Map<string, { spelling: string; vector: Float32Array }>() : await reusableTermVectors(lock, last.id);
    let embedder: Embedder | undefined;
    const built = await assembleBuild({
      articles,
      passagesOf,
      reusedVector: (passage) => reusedVectors.get(passage.id),
      reusedTermVector: (term, spelling) => {
        const old = reusedTerms.get(term);
        return old && old.spelling === spelling ? old.vector : undefined;
      },
      getEmbedder: async () => (embedder ??= await options.loadEmbedder()),
      knownDimensions: last?.manifest.model.dimensions,
      progress: options.progress,
    });
    reusedVectors.clear();
    reusedTerms.clear();

    const name = newBuildName();
    const manifest: Manifest = { ...newManifest(name, options, built.dimensions, articles, built.passages, new Date()), files: {} };
    await lock.query("begin");
    const inserted = await lock.query<{ id: number }>("insert into verbatim_builds (name, manifest, dimensions, keyword_average_length) values ($1, $2, $3, $4) returning id", [name, JSON.stringify(manifest), built.dimensions, built.keyword.averageLength]);
    const build = inserted.rows[0]!.id;
    await writeBuild(lock, pool, build, articles, built, hnsw, precision, options.progress);
    await lock.query("insert into verbatim_current (singleton, build) values (true, $1) on conflict (singleton) do update set build = excluded.build", [build]);
    await lock.query("select pg_notify($1, $2)", [BUILD_CHANNEL, name]);
    await options.beforeCommit?.(lock, build);
    await lock.query("commit");
    // The build is in use: failing to drop an old one only leaves it for the next build to drop.
    await dropOldBuilds(pool, [build, ...(last ? [last.id] : [])]).catch(() => undefined);
    return { ...report, buildId: name, rebuilt: true, passages: built.passages.length, embedded: built.embedded };
  } catch (error) {
    await lock.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    await lock.query("select pg_advisory_unlock($1, $2)", [LOCK_NAMESPACE, BUILD_LOCK]).catch(() => undefined);
    lock.release();
  }
}
