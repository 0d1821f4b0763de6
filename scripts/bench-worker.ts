/**
 * One measured phase of `npm run bench`, in its own process so its peak RSS (getrusage, from the
 * operating system) is its own. Prints one JSON line. (The query phase, which measures the bot's
 * memory, is src/cli/benchQuery.ts: compiled, with plain Node, as the bot runs.)
 *   build <corpusDir> <indexDir>            full build, the same call as `npm run index`
 *   vectra <corpusDir> <indexDir> <qfile>   vectra's own queryItems on the same index
 *   recall <corpusDir> <indexDir> <qfile>   (DATABASE_URL) the HNSW top 40 against an exact scan, and the time of each
 *   parity <corpusDir> <indexDir> <qfile>   (DATABASE_URL and a file build in indexDir) the same questions through both stores
 * With DATABASE_URL in the environment, every phase uses the PostgreSQL store.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildConfiguredIndex, embedderOptions, openRetriever } from "../src/app/open.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { loadConfig } from "../src/config.js";
import { percentile } from "../src/evaluation/metrics.js";
import { BUILD_FILES, buildPath, readPointer } from "../src/index/layout.js";
import type { VectorMetadata } from "../src/index/snapshot.js";
import { createLogger } from "../src/log.js";
import { closePools, poolFor, searchQuery } from "../src/index/postgres/database.js";
import { graphPrecisionOf, graphSearchSql } from "../src/index/postgres/graph.js";
import { currentBuild, partition } from "../src/index/postgres/schema.js";
import { vectorLiteral } from "../src/index/postgres/vectors.js";
import { PostgresSource } from "../src/index/postgres/source.js";
import { tokenize } from "../src/text/terms.js";

const [phase, corpusDir, indexDir, questionFile] = process.argv.slice(2);
/** The HNSW settings given to `npm run bench` (HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH); the rest are the defaults. */
function hnswSettings(): Record<string, string> {
  return Object.fromEntries(["HNSW_M", "HNSW_EF_CONSTRUCTION", "HNSW_EF_SEARCH"].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
}
const config = loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: "silent", ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}), ...hnswSettings() });
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * How many of the scores reach the exact k-th best (less a rounding margin): recall that counts a
 * tie as a hit. Exact top-k sets are ambiguous here: a sentence of the real corpus recurs in many
 * synthetic passages, and equal BM25 scores are common, so at 10,000 articles a quarter of the
 * questions have several passages at the exact 40th score, and which of them a ranking keeps is
 * decided by the order of a sum's last bits.
 */
function countAtLeast(scores: number[], kth: number | undefined): number {
  if (kth === undefined) return 0;
  return scores.filter((score) => score >= kth - 1e-6 * Math.max(1, Math.abs(kth))).length;
}

if (phase === "build") {
  const started = performance.now();
  const report = await buildConfiguredIndex(config);
  const seconds = (performance.now() - started) / 1000;
  await closePools();
  console.log(JSON.stringify({ passages: report.passages, buildSeconds: seconds, buildPassagesPerSec: report.passages / seconds, peakRssMb: peakRssMb() }));
} else if (phase === "vectra") {
  // vectra's own vector query on the same index, as the reference point (its own process: loading
  // vectra's JSON takes far more memory than the bot does).
  const questions = JSON.parse(await readFile(questionFile!, "utf8")) as string[];
  const embedder = await loadEmbedder(embedderOptions(config));
  const vectors = await embedder.embedDocuments(questions);
  const { LocalIndex } = await import("vectra");
  const store = new LocalIndex<VectorMetadata>(join(buildPath(indexDir!, (await readPointer(indexDir!))!), BUILD_FILES.vectors));
  await store.queryItems(Array.from(vectors[0]!), "", 10);
  const vectraTimes: number[] = [];
  for (const vector of vectors) {
    const array = Array.from(vector);
    const started = performance.now();
    await store.queryItems(array, "", 10);
    vectraTimes.push(performance.now() - started);
  }
  console.log(JSON.stringify({ vectraQueryP50Ms: percentile(vectraTimes, 50), vectraPeakRssMb: peakRssMb() }));
} else if (phase === "recall") {
  // How many of the exact 40 nearest passages the HNSW search finds, at the configured ef_search.
  const questions = JSON.parse(await readFile(questionFile!, "utf8")) as string[];
  const embedder = await loadEmbedder(embedderOptions(config));
  const queryVectors = await Promise.all(questions.map((q) => embedder.embedQuery(q)));
  const pool = poolFor(config.DATABASE_URL!, config.HNSW_EF_SEARCH);
  const build = (await currentBuild(pool))!;
  const d = build.dimensions;
  const table = partition("passages", build.id);
  // The exact 40 nearest (a sequential scan, by the float32 vectors), and the store's own search through its graph.
  const nearest = `select row, -((embedding::vector(${d})) <#> $1::vector(${d})) as score from ${table} order by (embedding::vector(${d})) <#> $1::vector(${d}) limit 40`;
  const graphSearch = graphSearchSql(build.id, d, await graphPrecisionOf(pool, build.id));
  let found = 0;
  let foundAsSet = 0;
  const exactKth: (number | undefined)[] = [];
  let total = 0;
  const hnswTimes: number[] = [];
  const exactTimes: number[] = [];
  for (const vector of queryVectors) {
    const literal = vectorLiteral(vector);
    let started = performance.now();
    const approximate = await searchQuery<{ row: number; score: number }>(pool, graphSearch, [literal, 40]);
    hnswTimes.push(performance.now() - started);
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query("set local enable_indexscan = off");
      started = performance.now();
      const exact = await client.query<{ row: number; score: number }>(nearest, [literal]);
      exactTimes.push(performance.now() - started);
      await client.query("commit");
      exactKth.push(exact.rows.at(-1)?.score);
      const rows = new Set(exact.rows.map((r) => r.row));
      found += countAtLeast(approximate.rows.map((r) => r.score), exact.rows.at(-1)?.score);
      foundAsSet += approximate.rows.filter((r) => rows.has(r.row)).length;
      total += rows.size;
    } finally {
      client.release();
    }
  }
  // BENCH_EF_SEARCH (--ef-search): the same recall and time at other search breadths, on the same graph.
  const breadths: Record<string, { recallAt40: number; p50Ms: number }> = {};
  for (const ef of (process.env.BENCH_EF_SEARCH ?? "").split(",").filter(Boolean).map(Number)) {
    const client = await pool.connect();
    try {
      await client.query(`set hnsw.ef_search = ${ef}`);
      let hits = 0;
      const times: number[] = [];
      for (const [i, vector] of queryVectors.entries()) {
        const started = performance.now();
        const { rows } = await client.query<{ score: number }>(graphSearch, [vectorLiteral(vector), 40]);
        times.push(performance.now() - started);
        hits += countAtLeast(rows.map((r) => r.score), exactKth[i]);
      }
      breadths[ef] = { recallAt40: Math.round((hits / total) * 1000) / 1000, p50Ms: Math.round(percentile(times, 50) * 10) / 10 };
    } finally {
      await client.query("reset hnsw.ef_search");
      client.release();
    }
  }
  // The keyword ranking's top 40 as a question reads it (the heads of its lists, further only where
  // the bounds need it), against reading every list whole first; and how much it read.
  // As the bot reads it: warmed up, so that up to VECTOR_SCAN_MAX_PASSAGES the vectors held in the
  // process are searched (exactly), and the graph above.
  const source = await PostgresSource.open(pool, undefined, { vectorScanMaxPassages: config.VECTOR_SCAN_MAX_PASSAGES });
  await source.warmUp();
  let searchFound = 0;
  let keywordFound = 0;
  let keywordTotal = 0;
  const headTimes: number[] = [];
  const fullTimes: number[] = [];
  const stats = { rounds: 0, postingsRead: 0, passagesScored: 0 };
  for (const [i, question] of questions.entries()) {
    const terms = tokenize(question).filter((token) => !token.stop).map((token) => token.term);
    source.keywordFirstRead = 2 ** 31; // every posting
    let started = performance.now();
    const full = await source.gather(terms, queryVectors[i]!, 40);
    fullTimes.push(performance.now() - started);
    source.keywordFirstRead = undefined;
    source.keywordStats = stats;
    started = performance.now();
    const heads = await source.gather(terms, queryVectors[i]!, 40);
    headTimes.push(performance.now() - started);
    source.keywordStats = undefined;
    keywordFound += countAtLeast(heads.keywordHits.map((hit) => hit.score), full.keywordHits.at(-1)?.score);
    searchFound += countAtLeast(heads.vectorHits.map((hit) => hit.score), exactKth[i]);
    keywordTotal += full.keywordHits.length;
  }
  await closePools();
  console.log(JSON.stringify({ keywordRecallAt40: keywordTotal === 0 ? 1 : keywordFound / keywordTotal, keywordRounds: stats.rounds / questions.length, keywordPostingsRead: stats.postingsRead / questions.length, keywordPassagesScored: stats.passagesScored / questions.length, gatherFullP50Ms: percentile(fullTimes, 50), gatherHeadsP50Ms: percentile(headTimes, 50), recallAt40: found / total, searchRecallAt40: searchFound / total, vectorSearches: source.vectorSearches, recallAt40AsSet: foundAsSet / total, byEfSearch: breadths, efSearch: config.HNSW_EF_SEARCH, hnswP50Ms: percentile(hnswTimes, 50), exactP50Ms: percentile(exactTimes, 50) }));
} else if (phase === "parity") {
  // The same questions through the file store (indexDir) and the database (DATABASE_URL): how many
  // answers, keyword rankings and vector rankings are identical.
  const questions = JSON.parse(await readFile(questionFile!, "utf8")) as string[];
  const logger = createLogger("silent");
  const fromFiles = await openRetriever(loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: "silent" }), logger);
  const fromDatabase = await openRetriever(config, logger);
  // As the bot starts: warmed up, its vectors held in the process up to VECTOR_SCAN_MAX_PASSAGES.
  await fromDatabase.warmUp();
  const same = { answers: 0, keyword: 0, vector: 0, vectorCountingTies: 0 };
  for (const question of questions) {
    const [a, b] = [await fromFiles.ask(question, { limit: 8 }), await fromDatabase.ask(question, { limit: 8 })];
    const quotes = (answer: typeof a) => JSON.stringify([answer.answered, answer.results.map((r) => [r.source.id, r.start, r.end])]);
    if (quotes(a) === quotes(b)) same.answers++;
    const terms = tokenize(question).filter((token) => !token.stop).map((token) => token.term);
    const vector = await fromFiles.embedder.embedQuery(question);
    const [f, d] = [await fromFiles.source.gather(terms, vector, 40), await fromDatabase.source.gather(terms, vector, 40)];
    if (JSON.stringify(f.keywordHits) === JSON.stringify(d.keywordHits)) same.keyword++;
    if (JSON.stringify(f.vectorHits.map((hit) => hit.row)) === JSON.stringify(d.vectorHits.map((hit) => hit.row))) same.vector++;
    const kth = f.vectorHits.at(-1)?.score;
    if (countAtLeast(d.vectorHits.map((hit) => hit.score), kth) === f.vectorHits.length) same.vectorCountingTies++;
  }
  await closePools();
  console.log(JSON.stringify({ parityQuestions: questions.length, identicalAnswers: same.answers, identicalKeywordTop40: same.keyword, identicalVectorTop40: same.vector, vectorTop40CountingTies: same.vectorCountingTies }));
} else {
  process.stderr.write("usage: bench-worker build|vectra|recall|parity <corpusDir> <indexDir> [questions.json]\n");
  process.exit(2);
}
