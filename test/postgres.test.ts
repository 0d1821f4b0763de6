import { spawn, type ChildProcess } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildConfiguredIndex, embedderOptions, loadConfiguredSource, openRetriever } from "../src/app/open.js";
import { LiveIndex } from "../src/app/liveIndex.js";
import { databaseWatcher } from "../src/app/databaseWatcher.js";
import { loadEmbedder, type Embedder } from "../src/embeddings/embedder.js";
import { IndexCorruptError } from "../src/index/errors.js";
import { closePools, eachRow, poolFor } from "../src/index/postgres/database.js";
import { buildPostgresIndex, DatabaseBuildLockedError } from "../src/index/postgres/build.js";
import { graphSearchSql } from "../src/index/postgres/graph.js";
import { currentBuild, migrate, MIGRATIONS, partition, SchemaTooNewError } from "../src/index/postgres/schema.js";
import { DatabaseIndexMissingError, PostgresSource, readPostings } from "../src/index/postgres/source.js";
import { parseVector, vectorLiteral } from "../src/index/postgres/vectors.js";
import { createLogger } from "../src/log.js";
import { DEFAULT_PASSAGE_SETTINGS } from "../src/passages/passages.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { loadShippedModels } from "../src/retrieval/shippedModels.js";
import { PROJECT_ROOT } from "../src/config.js";
import { copyOfTreatyCorpus, tempDir, testConfig } from "./helpers.js";
import { NEEDS_NATIVE_SERVER, startTestServer, type TestDatabase, type TestServer } from "./testDatabase.js";
import fc from "fast-check";

const QUESTIONS = ["does the treaty include mutual defence", "who signed the treaty", "how long will the agreement last", "drones used in Ukraine", "nuclear power plant", "sanctions", "what did Peskov say", "wat did pezeshkain say about the west", "How tall is Mount Everest?"];

let embedder: Embedder;
let server: TestServer;
beforeAll(async () => {
  [embedder, server] = await Promise.all([loadEmbedder(embedderOptions(testConfig({}))), startTestServer()]);
});
const databases: TestDatabase[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await closePools();
  for (const database of databases.splice(0)) await database.stop();
});
afterAll(async () => {
  await server?.stop();
});

/** An empty database for this test (dropped after it), and its pool. */
async function emptyDatabase(): Promise<{ url: string; pool: pg.Pool }> {
  const database = await server.database();
  databases.push(database);
  return { url: database.url, pool: poolFor(database.url, 200) };
}

async function setup() {
  const { url, pool } = await emptyDatabase();
  const corpusDir = await copyOfTreatyCorpus();
  const indexDir = await tempDir("verbatim-index-");
  const files = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir });
  const postgres = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, DATABASE_URL: url });
  return { url, pool, corpusDir, files, postgres };
}

/** buildPostgresIndex's options for a corpus, with the tests' embedder. */
function builderOptions(corpusDir: string, pool: pg.Pool) {
  return { corpusDir, passageSettings: DEFAULT_PASSAGE_SETTINGS, modelId: testConfig({}).EMBEDDING_MODEL, modelKey: embedder.key, loadEmbedder: async () => embedder, pool };
}

/** A child process running a test fixture script, with its stdout's JSON lines as they come. */
function fixture(script: string, args: string[]): { lines: Record<string, unknown>[]; exited: Promise<number | null>; child: ChildProcess } {
  const child = spawn(process.execPath, ["--import", "tsx", `test/fixtures/${script}`, ...args], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk) => {
    buffer += String(chunk);
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { lines, exited, child };
}

/** Waits for a condition (a fixture's line, a lock released), failing with what was awaited. */
async function until(condition: () => boolean | Promise<boolean>, what: string, seconds = 45): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function partitions(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>("select tablename as name from pg_tables where tablename ~ '^verbatim_.*_b[0-9]+$' order by 1");
  return rows.map((row) => row.name);
}

describe("the PostgreSQL store (pgvector, on a native server or PGlite)", () => {
  it("writes pgvector's text form so that every float32 reads back bit for bit", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 64 }), (values) => {
        const vector = Float32Array.from(values);
        expect(Array.from(parseVector(vectorLiteral(vector)))).toEqual(Array.from(vector));
      }),
    );
    expect(() => parseVector("[1,,2]")).toThrow(/not a pgvector value/);
    expect(() => vectorLiteral([Number.NaN])).toThrow(/NaN/);
  });

  it("migrates once, records the version, and refuses a database migrated by a newer Verbatim", async () => {
    const { pool } = await emptyDatabase();
    expect(await migrate(pool)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(await migrate(pool)).toEqual([]);
    const { rows } = await pool.query("select version from verbatim_schema order by version");
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    await pool.query("insert into verbatim_schema (version) values ($1)", [MIGRATIONS.length + 1]);
    await expect(migrate(pool)).rejects.toThrow(SchemaTooNewError);
  });

  it("names DATABASE_URL when the database cannot be reached, without showing the password", async () => {
    const config = testConfig({ CORPUS_DIR: await copyOfTreatyCorpus(), DATABASE_URL: "postgres://verbatim:s3cret@127.0.0.1:1/verbatim" });
    const failure = buildConfiguredIndex(config, { embedder });
    await expect(failure).rejects.toThrow(/Cannot connect to the PostgreSQL database at postgres:\/\/….*@127\.0\.0\.1:1\/verbatim .*check DATABASE_URL/);
    await expect(failure).rejects.not.toThrow(/s3cret/);
    await expect(loadConfiguredSource(config)).rejects.toThrow(/check DATABASE_URL/);
  });

  it("builds the HNSW graph with the configured settings, and refuses settings pgvector cannot build before building anything", async () => {
    const { url, pool, corpusDir } = await setup();
    const config = testConfig({ CORPUS_DIR: corpusDir, DATABASE_URL: url, HNSW_M: "8", HNSW_EF_CONSTRUCTION: "32" });
    await buildConfiguredIndex(config, { embedder });
    const { rows } = await pool.query<{ indexdef: string }>("select indexdef from pg_indexes where indexdef like '%hnsw%'");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.indexdef).toMatch(/m='?8'?, ef_construction='?32'?/);
    // pgvector 0.7+ (both test engines): the graph holds half-precision vectors.
    expect(rows[0]!.indexdef).toMatch(/halfvec\(\d+\)\) halfvec_ip_ops/);
    const thin = testConfig({ CORPUS_DIR: corpusDir, DATABASE_URL: url, HNSW_M: "32", HNSW_EF_CONSTRUCTION: "40" });
    await expect(buildConfiguredIndex(thin, { embedder })).rejects.toThrow("HNSW_EF_CONSTRUCTION (40) must be at least twice HNSW_M (32)");
  });

  it("says before embedding when the HNSW graph will not fit in maintenance_work_mem, passes on pgvector's notice, and reports the graph's progress", async () => {
    const { url, pool } = await emptyDatabase();
    // About 1,300 passages: their graph takes more than 1 MB, the least maintenance_work_mem may be.
    const corpusDir = await tempDir("verbatim-corpus-");
    for (let a = 0; a < 160; a++) {
      const sentences = Array.from({ length: 24 }, (_, s) => `The harbour council of district ${a * 100 + s} voted ${s + 3} times on the pier budget before the spring session ended.`);
      await writeFile(join(corpusDir, `report-${a}.md`), `---\ntitle: Harbour report ${a}\noutlet: Test Wire\npublished: 2025-02-01\n---\n${sentences.join(" ")}\n`);
    }
    const native = server.engine === "native";
    if (native) {
      await pool.query(`alter database "${new URL(url).pathname.slice(1)}" set maintenance_work_mem = '1MB'`);
      await closePools(); // new connections take the database's setting
    } else await pool.query("set maintenance_work_mem = '1MB'"); // PGlite: one session for every connection
    const notes: string[] = [];
    const progress = { start: () => undefined, update: () => undefined, stop: () => undefined, note: (message: string) => notes.push(message) };
    try {
      const report = await buildPostgresIndex({ ...builderOptions(corpusDir, poolFor(url, 200)), progress });
      expect(report.passages).toBeGreaterThan(1_000);
      expect(notes[0]).toMatch(/^The database's maintenance_work_mem is 1 MB, and the HNSW graph of [\d,]+ passages takes about \d+ MB while it is built: .*alter role current_user set maintenance_work_mem = '1GB'/);
      expect(notes).toContain(`building the HNSW graph of ${report.passages.toLocaleString("en-US")} passages…`);
      expect(notes.some((note) => /^PostgreSQL: hnsw graph no longer fits into maintenance_work_mem after \d+ tuples/.test(note))).toBe(true);
      // With room for the graph, none of it.
      notes.length = 0;
      await poolFor(url, 200).query(native ? "select 1" : "reset maintenance_work_mem");
      if (native) {
        await poolFor(url, 200).query(`alter database "${new URL(url).pathname.slice(1)}" reset maintenance_work_mem`);
        await closePools();
      }
      await writeFile(join(corpusDir, "report-0.md"), "---\ntitle: Harbour report 0\noutlet: Test Wire\npublished: 2025-02-02\n---\nThe harbour council voted again.\n");
      await buildPostgresIndex({ ...builderOptions(corpusDir, poolFor(url, 200)), progress });
      expect(notes.filter((note) => /maintenance_work_mem/.test(note))).toEqual([]);
    } finally {
      if (!native) await poolFor(url, 200).query("reset maintenance_work_mem");
    }
  });

  it("finds the exact nearest passages through a half-precision graph, scored by the stored float32 vectors, and reads a build with a float32 graph too", async () => {
    const { pool, postgres } = await setup();
    await buildConfiguredIndex(postgres, { embedder });
    const build = (await pool.query<{ id: number; dimensions: number }>("select b.id, b.dimensions from verbatim_current c join verbatim_builds b on b.id = c.build")).rows[0]!;
    const table = `verbatim_passages_b${build.id}`;
    const d = build.dimensions;
    /** The exact 12 nearest by a sequential scan of the float32 vectors, nearest first (ties by row). */
    const exact = async (vector: Float32Array) => {
      const client = await pool.connect();
      try {
        await client.query("begin; set local enable_indexscan = off");
        const { rows } = await client.query<{ row: number; score: number }>(`select row, -((embedding::vector(${d})) <#> $1::vector(${d})) as score from ${table} order by (embedding::vector(${d})) <#> $1::vector(${d}), row limit 12`, [vectorLiteral(vector)]);
        await client.query("commit");
        return rows.map((row) => ({ row: row.row, score: Number(row.score) }));
      } finally {
        client.release();
      }
    };
    // The planner would scan so few passages rather than search the graph: the store's connections may not.
    poolFor(postgres.DATABASE_URL!, postgres.HNSW_EF_SEARCH).on("connect", (client) => void client.query("set enable_seqscan = off"));
    for (const precision of ["halfvec", "vector"] as const) {
      if (precision === "vector") {
        // As a build made before half-precision graphs has it.
        await pool.query(`drop index ${(await pool.query<{ indexname: string }>("select indexname from pg_indexes where tablename = $1 and indexdef like '%hnsw%'", [table])).rows[0]!.indexname}`);
        await pool.query(`create index on ${table} using hnsw ((embedding::vector(${d})) vector_ip_ops) with (m = 16, ef_construction = 64)`);
      }
      const source = (await loadConfiguredSource(postgres)) as PostgresSource;
      expect(source.graphPrecision).toBe(precision);
      // The search goes through the graph, not a scan (which the planner prefers on so few passages).
      const literal = `'${vectorLiteral(await embedder.embedQuery(QUESTIONS[0]!))}'`;
      const plan = await pool.query(`begin; set local enable_seqscan = off; explain ${graphSearchSql(build.id, d, precision).replaceAll("$1", literal).replaceAll("$2", "12")}; commit`);
      expect(JSON.stringify(plan)).toMatch(/Index Scan using \S*embedding\S* on/);
      for (const question of QUESTIONS) {
        const vector = await embedder.embedQuery(question);
        const gathered = await source.gather([], vector, 12);
        expect(gathered.vectorHits, `${precision}: ${question}`).toEqual(await exact(vector));
      }
    }
  });

  it("finds the exact nearest passages from the vectors held in the process (int8, scored by the database), as a sequential scan does, widening or scanning when the bound needs it", async () => {
    const { pool, postgres } = await setup();
    await buildConfiguredIndex(postgres, { embedder });
    const build = (await pool.query<{ id: number; dimensions: number }>("select b.id, b.dimensions from verbatim_current c join verbatim_builds b on b.id = c.build")).rows[0]!;
    const d = build.dimensions;
    const table = `verbatim_passages_b${build.id}`;
    const passages = Number((await pool.query(`select count(*) from ${table}`)).rows[0].count);
    const exact = async (vector: Float32Array, limit: number) => {
      const { rows } = await pool.query<{ row: number; score: number }>(`select row, -((embedding::vector(${d})) <#> $1::vector(${d})) as score from ${table} order by score desc, row limit ${limit}`, [vectorLiteral(vector)]);
      return rows.map((row) => ({ row: row.row, score: Number(row.score) }));
    };
    // Not warmed up (a one-shot question): the graph searches.
    const cold = (await loadConfiguredSource(postgres)) as PostgresSource;
    await cold.gather([], await embedder.embedQuery(QUESTIONS[0]!), 12);
    expect(cold.vectorSearches).toEqual({ held: 0, widened: 0, scanned: 0, graph: 1 });
    expect(cold.heldVectorBytes).toBe(0);
    // Above VECTOR_SCAN_MAX_PASSAGES the graph searches after warm-up too.
    const above = (await loadConfiguredSource({ ...postgres, VECTOR_SCAN_MAX_PASSAGES: passages - 1 })) as PostgresSource;
    await above.warmUp();
    expect(above.heldVectorBytes).toBe(0);
    const source = (await loadConfiguredSource(postgres)) as PostgresSource;
    await source.warmUp();
    expect(source.heldVectorBytes).toBeGreaterThan(passages * d);
    // Questions, and random directions (whose nearest the int8 order often has in another order).
    const random = fc.sample(fc.array(fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), { minLength: d, maxLength: d }), { numRuns: 60, seed: 7 });
    const vectors = [...(await Promise.all(QUESTIONS.map((question) => embedder.embedQuery(question)))), ...random.map((values) => Float32Array.from(values))];
    // Every width at least the hits asked for: the whole build at once (it has fewer passages than
    // the default widths); a few more than asked for, then more; exactly as many (the bound seldom
    // separates them: widened or scanned).
    for (const widths of [[400, 4096], [16, 48], [12]]) {
      source.heldCandidates = widths;
      for (const [i, vector] of vectors.entries()) {
        const gathered = await source.gather([], vector, 12);
        expect(gathered.vectorHits, `widths ${widths}, vector ${i}`).toEqual(await exact(vector, 12));
      }
    }
    const { held, widened, scanned, graph } = source.vectorSearches;
    expect(graph).toBe(0);
    expect(held + widened + scanned).toBe(3 * vectors.length);
    expect(widened).toBeGreaterThan(0);
    expect(scanned).toBeGreaterThan(0);
    // A build missing a passage's row is refused when warm-up reads the vectors, saying which.
    await pool.query(`delete from ${table} where row = 3`);
    const damaged = (await loadConfiguredSource(postgres)) as PostgresSource;
    await expect(damaged.warmUp()).rejects.toThrow(IndexCorruptError);
    await expect(damaged.warmUp()).rejects.toThrow(new RegExp(`passages 0 to ${passages - 1} are not all there`));
  });

  it("says there is no index yet, and how to build one", async () => {
    const { pool } = await emptyDatabase();
    await migrate(pool);
    await expect(PostgresSource.open(pool)).rejects.toThrow(DatabaseIndexMissingError);
    await expect(PostgresSource.open(pool)).rejects.toThrow(/npm run index/);
  });

  it("answers every question exactly as the file store does, quoting verbatim slices of the stored text", async () => {
    const { pool, files, postgres, corpusDir } = await setup();
    await buildConfiguredIndex(files, { embedder });
    const report = await buildConfiguredIndex(postgres, { embedder });
    expect(report.rebuilt).toBe(true);
    expect(report.added).toHaveLength(6);
    const shipped = await loadShippedModels(embedder.key);
    const fromFiles = new Retriever(await loadConfiguredSource(files), embedder, shipped.models, "hand");
    const source = await loadConfiguredSource(postgres);
    expect(source.store).toBe("postgres");
    const fromDatabase = new Retriever(source, embedder, shipped.models, "hand");
    for (const question of QUESTIONS) {
      const [a, b] = await Promise.all([fromFiles.ask(question, { limit: 8 }), fromDatabase.ask(question, { limit: 8 })]);
      expect(b.answered, question).toBe(a.answered);
      expect(b.results.map((r) => [r.source.id, r.start, r.end, r.quote]), question).toEqual(a.results.map((r) => [r.source.id, r.start, r.end, r.quote]));
      b.results.forEach((r, i) => expect(r.score).toBeCloseTo(a.results[i]!.score, 5));
      for (const result of b.results) {
        const body = (await source.body(result.source.id))!;
        expect(body.slice(result.start, result.end)).toBe(result.quote);
        const file = (await readFile(join(corpusDir, source.articles.get(result.source.id)!.file), "utf8"));
        expect(file).toContain(result.quote);
      }
    }
    // The learned ranking reads every feature: the same there too.
    const learnedFiles = new Retriever(await loadConfiguredSource(files), embedder, shipped.models, "learned");
    const learnedDatabase = new Retriever(source, embedder, shipped.models, "learned");
    for (const question of QUESTIONS.slice(0, 4)) {
      const [a, b] = await Promise.all([learnedFiles.ask(question), learnedDatabase.ask(question)]);
      expect(b.results.map((r) => r.quote), question).toEqual(a.results.map((r) => r.quote));
    }
    expect(source.articles.size).toBe(6);
    expect(await partitions(pool)).toHaveLength(4);
  });

  it("embeds only what changed, reports an unchanged corpus as up to date, and keeps only the current build and the one before", async () => {
    const { pool, postgres, corpusDir } = await setup();
    const first = await buildConfiguredIndex(postgres, { embedder });
    const again = await buildConfiguredIndex(postgres, { embedder });
    expect(again).toMatchObject({ rebuilt: false, buildId: first.buildId, embedded: 0 });
    const source = await loadConfiguredSource(postgres);
    const [id, article] = [...source.articles].find(([, a]) => a.file.endsWith(".md"))!;
    const path = join(corpusDir, article.file);
    await writeFile(path, `${await readFile(path, "utf8")}\n\nThe ministry added a closing remark about the harbour agreement today.\n`);
    const second = await buildConfiguredIndex(postgres, { embedder });
    expect(second.changed).toEqual([id]);
    expect(second.embedded).toBeGreaterThan(0);
    expect(second.embedded).toBeLessThan(first.passages / 2);
    const updated = await loadConfiguredSource(postgres);
    expect(updated.buildId).toBe(second.buildId);
    expect(updated.manifest.articles[id]!.passages).toBe(second.embedded);
    // A third build drops the first: two builds' partitions at most.
    await rm(join(corpusDir, [...source.articles.values()].find((a) => a.id !== id)!.file));
    const third = await buildConfiguredIndex(postgres, { embedder });
    expect(third.removed).toHaveLength(1);
    expect(third.embedded).toBe(0);
    expect((await pool.query("select count(*)::int as n from verbatim_builds")).rows[0].n).toBe(2);
    expect(await partitions(pool)).toHaveLength(8);
  });

  it("leaves the previous build serving when a build dies before its commit, and the next build succeeds", async () => {
    const { pool, postgres, corpusDir } = await setup();
    const first = await buildConfiguredIndex(postgres, { embedder });
    const served = await loadConfiguredSource(postgres);
    const before = await new Retriever(served, embedder).ask(QUESTIONS[0]!);
    await writeFile(join(corpusDir, "added.md"), "---\ntitle: An added report\noutlet: Test Wire\npublished: 2025-02-01\n---\nThe harbour authority said the new pier opens in March.\n");
    const build = builderOptions(corpusDir, pool);
    await expect(buildPostgresIndex({ ...build, beforeCommit: async () => { throw new Error("killed"); } })).rejects.toThrow("killed");
    expect((await loadConfiguredSource(postgres)).buildId).toBe(first.buildId);
    expect(await partitions(pool)).toHaveLength(4);
    const after = await new Retriever(await loadConfiguredSource(postgres), embedder).ask(QUESTIONS[0]!);
    expect(after).toEqual(before);
    const next = await buildPostgresIndex(build);
    expect(next.added).toEqual(["added"]);
    expect((await loadConfiguredSource(postgres)).buildId).toBe(next.buildId);
  });

  it("refuses a build whose postings predate their current layout, and the next npm run index replaces it without embedding again", async () => {
    const { pool, postgres } = await setup();
    const first = await buildConfiguredIndex(postgres, { embedder });
    await pool.query("update verbatim_builds set keyword_average_length = null");
    await expect(loadConfiguredSource(postgres)).rejects.toThrow(/older layout; run `npm run index`/);
    const next = await buildConfiguredIndex(postgres, { embedder });
    expect(next).toMatchObject({ rebuilt: true, embedded: 0 });
    expect(next.buildId).not.toBe(first.buildId);
    expect((await loadConfiguredSource(postgres)).buildId).toBe(next.buildId);
    // Postings are stored uncompressed, so that a question reads only the head of a long list.
    const { rows } = await pool.query("select attstorage from pg_attribute where attrelid = 'verbatim_postings'::regclass and attname = 'pairs'");
    expect(rows[0].attstorage).toBe("e");
  });

  it("hands a query's rows over one by one, and settles on a server's error or the handler's, with or without a query_timeout in DATABASE_URL", async () => {
    const { url } = await emptyDatabase();
    for (const address of [url, `${url}${url.includes("?") ? "&" : "?"}query_timeout=60000`]) {
      const pool = poolFor(address, 40);
      const seen: number[] = [];
      await eachRow<{ g: number }>(pool, "select g from generate_series(1, $1::int) as g", [5_000], (row) => seen.push(row.g));
      expect(seen).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1));
      await expect(eachRow(pool, "select 1 / (g - 3) from generate_series(1, 5) as g", [], () => undefined)).rejects.toThrow(/division by zero/);
      await expect(
        eachRow<{ g: number }>(pool, "select g from generate_series(1, 10) as g", [], (row) => {
          if (row.g === 4) throw new Error("not this row");
        }),
      ).rejects.toThrow("not this row");
      const after: number[] = [];
      await Promise.all(Array.from({ length: 6 }, () => eachRow<{ g: number }>(pool, "select 1 as g", [], (row) => after.push(row.g))));
      expect(after).toEqual([1, 1, 1, 1, 1, 1]);
    }
  });

  it("reads a term's postings in rows of any size as the same pairs, and refuses postings that are not whole pairs", async () => {
    const { pool, postgres } = await setup();
    await buildConfiguredIndex(postgres, { embedder });
    const build = (await currentBuild(pool))!.id;
    const postings = partition("postings", build);
    const { rows } = await pool.query<{ term: number; hex: string }>(`select term, encode(pairs, 'hex') as hex from ${postings} where build = ${build} order by length(pairs) desc, term limit 4`);
    expect(rows[0]!.hex.length / 16).toBeGreaterThan(8);
    // What each term's list holds, read as one field.
    const lists = rows.map(({ term, hex }) => {
      const bytes = Buffer.from(hex, "hex");
      const count = bytes.length / 8;
      return { term, docs: Int32Array.from({ length: count }, (_, i) => bytes.readInt32LE(8 * i)), weights: Float32Array.from({ length: count }, (_, i) => bytes.readFloatLE(8 * i + 4)) };
    });
    // Whole lists, heads, tails past the end, empty slices, and slices starting past the end.
    const shapes = [(n: number) => [0, n + 5], (n: number) => [0, 3], (n: number) => [1, n - 1], (n: number) => [n - 2, n + 10], (n: number) => [n, n + 10], (n: number) => [2, 2], (n: number) => [n + 3, n + 9]];
    for (const shape of shapes) {
      const slices = lists.map(({ term, docs }) => {
        const [from, to] = shape(docs.length);
        return { term, from: from!, to: to! };
      });
      for (const chunkBytes of [8, 24, 32_768]) {
        const read = await readPostings(pool, build, slices, "test", chunkBytes);
        for (const [i, { term, from, to }] of slices.entries()) {
          const list = lists[i]!;
          const end = Math.max(from, Math.min(to, list.docs.length));
          expect(read.get(term), `slice ${from}–${to} of ${list.docs.length}, ${chunkBytes} bytes a row`).toEqual({ length: list.docs.length, docs: list.docs.slice(from, end), weights: list.weights.slice(from, end) });
        }
      }
    }
    // A list cut mid-pair is refused, and the connection it was read on serves the next read.
    await pool.query(`update ${postings} set pairs = substring(pairs from 1 for 13) where build = ${build} and term = $1`, [lists[0]!.term]);
    for (const chunkBytes of [8, 32_768]) await expect(readPostings(pool, build, [{ term: lists[0]!.term, from: 0, to: 100 }], "test", chunkBytes)).rejects.toThrow(IndexCorruptError);
    expect((await readPostings(pool, build, [{ term: lists[1]!.term, from: 0, to: 1 }], "test")).get(lists[1]!.term)!.docs).toEqual(lists[1]!.docs.slice(0, 1));
  });

  it("refuses to quote an article whose stored text was changed behind its checksum", async () => {
    const { pool, postgres } = await setup();
    await buildConfiguredIndex(postgres, { embedder });
    const source = await loadConfiguredSource(postgres);
    await source.verify();
    const retriever = new Retriever(source, embedder);
    const answer = await retriever.ask(QUESTIONS[0]!);
    const target = answer.results[0]!.source.id;
    const { rows } = await pool.query("select build from verbatim_current");
    await pool.query(`update verbatim_articles_b${rows[0].build} set body = replace(body, 'treaty', 'treatx') where id = $1`, [target]);
    await expect(source.verify()).rejects.toThrow(IndexCorruptError);
    await expect(retriever.ask(QUESTIONS[0]!)).rejects.toThrow(/does not match its checksum/);
    await expect(source.body(target)).rejects.toThrow(IndexCorruptError);
  });

  it("reads the build's word vectors into the cache at warm-up, so that a question then reads none of them", async () => {
    const { pool, postgres } = await setup();
    await buildConfiguredIndex(postgres, { embedder });
    const warm = await loadConfiguredSource(postgres);
    const cold = await loadConfiguredSource(postgres);
    // The answers of a third source, whose cache is its own.
    const reference = new Retriever(await loadConfiguredSource(postgres), embedder);
    const before = await Promise.all(QUESTIONS.map((question) => reference.ask(question, { limit: 8 })));
    await warm.warmUp();
    const retriever = new Retriever(warm, embedder);
    // Every word vector made unreadable in the database: only the cache still has them.
    const { rows } = await pool.query("select build from verbatim_current");
    await pool.query(`update verbatim_terms_b${rows[0].build} set vector = ''::bytea`);
    for (const [i, question] of QUESTIONS.entries()) {
      const after = await retriever.ask(question, { limit: 8 });
      expect(after.results.map((r) => [r.source.id, r.start, r.end, r.score]), question).toEqual(before[i]!.results.map((r) => [r.source.id, r.start, r.end, r.score]));
    }
    // A source that was not warmed up reads them, and finds them damaged.
    await expect(new Retriever(cold, embedder).ask(QUESTIONS[0]!)).rejects.toThrow(/word vectors differ in size/);
  });

  it("lets a running bot pick up a new build, and refuses a damaged one while the previous keeps serving", async () => {
    const { pool, postgres, corpusDir } = await setup();
    await buildConfiguredIndex(postgres, { embedder });
    const logger = createLogger("silent");
    const retriever = await openRetriever(postgres, logger);
    const live = new LiveIndex(retriever, databaseWatcher(pool), logger);
    await live.watch(3600);
    try {
      const first = live.source.buildId;
      await writeFile(join(corpusDir, "added.md"), "---\ntitle: An added report\noutlet: Test Wire\npublished: 2025-02-01\n---\nThe harbour authority said the new pier opens in March.\n");
      const second = await buildConfiguredIndex(postgres, { embedder });
      await live.check();
      expect(live.source.buildId).toBe(second.buildId);
      expect(live.source.buildId).not.toBe(first);
      expect((await live.current.ask("when does the new pier open")).results[0]!.quote).toContain("opens in March");
      // A build whose text is damaged is refused; the one loaded keeps answering. The damage is
      // done inside the transaction that makes it current: its announcement (NOTIFY, delivered
      // at commit) must not find it intact first.
      await writeFile(join(corpusDir, "added.md"), "---\ntitle: An added report\noutlet: Test Wire\npublished: 2025-02-01\n---\nThe harbour authority said the new pier opens in April.\n");
      const third = await buildPostgresIndex({
        ...builderOptions(corpusDir, pool),
        beforeCommit: async (client, build) => {
          await client.query(`update verbatim_articles_b${build} set body = body || ' ' where id = 'added'`);
        },
      });
      await live.check();
      expect(live.source.buildId).toBe(second.buildId);
      expect(third.buildId).not.toBe(second.buildId);
      expect((await live.current.ask("when does the new pier open")).results[0]!.quote).toContain("opens in March");
    } finally {
      await live.close();
    }
  });

  it("announces a build to a listener in another process when it commits (NOTIFY)", async (context) => {
    context.skip(server.engine !== "native", NEEDS_NATIVE_SERVER);
    const { url, postgres, corpusDir } = await setup();
    const first = await buildConfiguredIndex(postgres, { embedder });
    const listener = fixture("buildListener.ts", [url]);
    await until(() => listener.lines.some((line) => line.listening), "the listener to listen");
    await writeFile(join(corpusDir, "added.md"), "---\ntitle: An added report\noutlet: Test Wire\npublished: 2025-02-01\n---\nThe harbour authority said the new pier opens in March.\n");
    const second = await buildConfiguredIndex(postgres, { embedder });
    expect(second.buildId).not.toBe(first.buildId);
    // The listener has no poll: only the notification can tell it.
    await until(() => listener.lines.some((line) => line.announced === second.buildId), "the listener to hear of the new build");
    expect(listener.lines.filter((line) => "announced" in line)).toEqual([{ announced: second.buildId }]);
  });

  /** A database with one build, and another process inside the write transaction of the next (a corpus file added). */
  async function otherBuilderWriting() {
    const { url, pool, postgres, corpusDir } = await setup();
    const first = await buildConfiguredIndex(postgres, { embedder });
    await writeFile(join(corpusDir, "added.md"), "---\ntitle: An added report\noutlet: Test Wire\npublished: 2025-02-01\n---\nThe harbour authority said the new pier opens in March.\n");
    const builder = fixture("postgresBuilder.ts", [corpusDir, url]);
    await until(() => builder.lines.some((line) => "writing" in line), "the other builder to be writing");
    return { pool, postgres, first, builder };
  }

  it("refuses a second builder while another process is writing a build, and the first one's build is not visible until it commits", async (context) => {
    context.skip(server.engine !== "native", NEEDS_NATIVE_SERVER);
    const { pool, postgres, first } = await otherBuilderWriting();
    await expect(buildConfiguredIndex(postgres, { embedder })).rejects.toThrow(DatabaseBuildLockedError);
    await expect(buildConfiguredIndex(postgres, { embedder })).rejects.toThrow(/Another `npm run index` is building into this database/);
    // Its rows, its current row and its notification are all still inside its transaction.
    expect((await loadConfiguredSource(postgres)).buildId).toBe(first.buildId);
    expect((await pool.query("select count(*)::int as n from verbatim_builds")).rows[0].n).toBe(1);
  });

  it("releases the build lock when a builder is killed inside its write transaction, leaving the previous build current", async (context) => {
    context.skip(server.engine !== "native", NEEDS_NATIVE_SERVER);
    const { pool, postgres, first, builder } = await otherBuilderWriting();
    // This test's database only: another database on the same server may hold its own build's lock.
    const held = "select count(*)::int as n from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())";
    expect((await pool.query(held)).rows[0].n).toBeGreaterThan(0);
    builder.child.kill("SIGKILL");
    await builder.exited;
    // The server ends the session when its connection drops, and with it the lock and the transaction.
    await until(async () => (await pool.query(held)).rows[0].n === 0, "the server to release the killed builder's lock");
    expect((await loadConfiguredSource(postgres)).buildId).toBe(first.buildId);
    expect(await partitions(pool)).toHaveLength(4);
    const next = await buildConfiguredIndex(postgres, { embedder });
    expect(next.added).toEqual(["added"]);
    expect((await loadConfiguredSource(postgres)).buildId).toBe(next.buildId);
  });
});
