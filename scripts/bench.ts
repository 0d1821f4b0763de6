/**
 * `npm run bench -- [--sizes 100,1000,10000] [--store files|postgres] [--corpus synthetic|squad] [--parity] [--ef-search 100,200,…] [--stages] [--json] [--keep]` (or `-- --ceiling`, see bench-ceiling.ts): builds synthetic corpora of each size in a
 * temporary folder with the real code path and the bundled model, and measures build speed, a
 * no-change `npm run index`, cold start, warm question latency, vectra's own query, index size and
 * peak memory. Prints a table (with --stages, also where a question's time goes, stage by stage),
 * and with --json one JSON object as the last line.
 * With `--store postgres` the index is in PostgreSQL with pgvector (a database of its own on the
 * native server BENCH_DATABASE_URL names, or else PGlite in a process of its own: scripts/bench-server.ts), vectra's query is replaced by the recall of the
 * HNSW top 40 against an exact scan, and the database's size and memory are reported beside the bot's.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../src/config.js";
import { BUILD_FILES, buildPath, readPointer } from "../src/index/layout.js";
import { writeSyntheticCorpus } from "./bench-corpus.js";
import { startBenchDatabase } from "./bench-server.js";
import { writeSquadCorpus } from "./bench-squad.js";

const { values } = parseArgs({ options: { sizes: { type: "string", default: "100,1000,10000" }, store: { type: "string", default: "files" }, json: { type: "boolean" }, keep: { type: "boolean" }, ceiling: { type: "boolean" }, stages: { type: "boolean" }, corpus: { type: "string", default: "synthetic" }, parity: { type: "boolean" }, "ef-search": { type: "string" } } });
if (values.store !== "files" && values.store !== "postgres") {
  process.stderr.write("--store takes files or postgres\n");
  process.exit(2);
}
if (values.corpus !== "synthetic" && values.corpus !== "squad") {
  process.stderr.write("--corpus takes synthetic or squad\n");
  process.exit(2);
}
const postgres = values.store === "postgres";
/** A native PostgreSQL server to bench on instead of PGlite (see bench-server.ts). */
const benchServer = process.env.BENCH_DATABASE_URL || undefined;

if (values.ceiling) {
  const { vectraCeiling } = await import("./bench-ceiling.js");
  const result = await vectraCeiling();
  process.stdout.write(`vectra loads ${result.loadedItems} items (${(result.loadedBytes / 2 ** 20).toFixed(0)} MiB of index.json, ${result.itemBytes} bytes per item) and fails at ${result.failedItems} items (${(result.failedBytes / 2 ** 20).toFixed(0)} MiB): ${result.error ?? "no error"}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify({ ceiling: result })}\n`);
  process.exit(0);
}
const sizes = values.sizes!.split(",").map((s) => Number(s.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
  process.stderr.write("--sizes takes whole numbers, e.g. --sizes 1000,10000\n");
  process.exit(2);
}

/** Runs a script with tsx (`node`: a compiled command as operators run it); resolves with its stdout, stderr, exit code and wall time. */
function run(args: string[], env: Record<string, string>, { node = false } = {}): Promise<{ stdout: string; ms: number; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, node ? args : ["--import", "tsx", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: "silent", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    child.on("exit", (code) => resolve({ stdout, stderr, code, ms: performance.now() - started }));
  });
}

function lastJson(out: { stdout: string; stderr: string; code: number | null }, what: string): any {
  if (out.code !== 0) throw new Error(`${what} failed (exit ${out.code}): ${out.stderr.slice(-2000)}`);
  return JSON.parse(out.stdout.trim().split("\n").at(-1)!);
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}

// dist/ up to date first, so that no measured command compiles it.
const compiled = await run(["node_modules/typescript/bin/tsc", "-b", "tsconfig.build.json"], {}, { node: true });
if (compiled.code !== 0) throw new Error(`npm run build failed: ${compiled.stdout}${compiled.stderr}`);
const runs = [];
for (const articles of sizes) {
  const root = await mkdtemp(join(tmpdir(), "verbatim-bench-"));
  try {
    const corpusDir = join(root, "corpus");
    const indexDir = join(root, "index");
    const database = postgres ? await startBenchDatabase(join(root, "database"), benchServer, `${values.corpus}_${articles}`) : undefined;
    const env: Record<string, string> = { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, ...(database ? { DATABASE_URL: database.url } : {}) };
    process.stderr.write(`${articles} articles: writing the corpus…\n`);
    const { questions } = values.corpus === "squad" ? await writeSquadCorpus(corpusDir, articles) : await writeSyntheticCorpus(corpusDir, articles);
    const questionFile = join(root, "questions.json");
    await writeFile(questionFile, JSON.stringify(questions));
    process.stderr.write(`${articles} articles: full build…\n`);
    const build = lastJson(await run(["scripts/bench-worker.ts", "build", corpusDir, indexDir], env), "the build");
    process.stderr.write(`${articles} articles: no-change npm run index, cold start, queries…\n`);
    // The no-change index and the cold start run the commands as operators do: `verbatim index`,
    // `verbatim ask` (bin/verbatim.js, the compiled code in dist/; built once before the first size).
    const noop = await run(["bin/verbatim.js", "index"], env, { node: true });
    if (noop.code !== 0) throw new Error(`npm run index failed: ${noop.stderr}`);
    const cold = await run(["bin/verbatim.js", "ask", questions[0]!], env, { node: true });
    if (cold.code !== 0 || cold.stdout === "") throw new Error(`npm run ask failed: ${cold.stderr}`);
    // The questions through the /ask code path, compiled and with plain Node as the bot runs (tsx's loader thread would add ~35 MB to the peak RSS).
    const query = lastJson(await run(["dist/cli/benchQuery.js", corpusDir, indexDir, questionFile], env, { node: true }), "the queries");
    // vectra reads its index.json as one string, which V8 caps at 2^29 - 24 characters (npm run bench -- --ceiling): above that it cannot open the index.
    const vectraOpens = !postgres && (await stat(join(buildPath(indexDir, (await readPointer(indexDir))!), BUILD_FILES.vectors, "index.json"))).size < 2 ** 29 - 24;
    const vectra = vectraOpens ? lastJson(await run(["scripts/bench-worker.ts", "vectra", corpusDir, indexDir, questionFile], env), "vectra's queries") : undefined;
    const recall = postgres ? lastJson(await run(["scripts/bench-worker.ts", "recall", corpusDir, indexDir, questionFile], { ...env, BENCH_EF_SEARCH: values["ef-search"] ?? "" }), "the recall") : undefined;
    // --parity: the same corpus in the file store too, and the same questions through both.
    let parity: Record<string, number> | undefined;
    if (postgres && values.parity) {
      const { DATABASE_URL: _database, ...files } = env;
      process.stderr.write(`${articles} articles: the file store's build, and the same questions through both stores…\n`);
      lastJson(await run(["scripts/bench-worker.ts", "build", corpusDir, indexDir], files), "the file store's build");
      parity = lastJson(await run(["scripts/bench-worker.ts", "parity", corpusDir, indexDir, questionFile], env), "the parity check");
    }
    const server = await database?.stop({ keep: values.keep ?? false });
    const indexBytes = server ? server.databaseBytes : await folderBytes(buildPath(indexDir, (await readPointer(indexDir))!));
    const result = {
      articles,
      passages: build.passages,
      buildPassagesPerSec: Math.round(build.buildPassagesPerSec),
      noopReindexMs: Math.round(noop.ms),
      coldStartMs: Math.round(cold.ms),
      queryP50Ms: Math.round(query.queryP50Ms * 10) / 10,
      queryP95Ms: Math.round(query.queryP95Ms * 10) / 10,
      ...(vectra ? { vectraQueryP50Ms: Math.round(vectra.vectraQueryP50Ms * 10) / 10, vectraPeakRssMb: vectra.vectraPeakRssMb } : {}),
      ...(recall ? { keywordRecallAt40: Math.round(recall.keywordRecallAt40 * 1000) / 1000, keywordPostingsRead: Math.round(recall.keywordPostingsRead), keywordRounds: Math.round(recall.keywordRounds * 100) / 100, keywordPassagesScored: Math.round(recall.keywordPassagesScored), gatherFullP50Ms: Math.round(recall.gatherFullP50Ms * 10) / 10, gatherHeadsP50Ms: Math.round(recall.gatherHeadsP50Ms * 10) / 10, recallAt40: Math.round(recall.recallAt40 * 1000) / 1000, searchRecallAt40: Math.round(recall.searchRecallAt40 * 1000) / 1000, vectorSearches: recall.vectorSearches, recallAt40AsSet: Math.round(recall.recallAt40AsSet * 1000) / 1000, ...(values["ef-search"] ? { byEfSearch: recall.byEfSearch } : {}), efSearch: recall.efSearch, hnswP50Ms: Math.round(recall.hnswP50Ms * 10) / 10, exactScanP50Ms: Math.round(recall.exactP50Ms * 10) / 10 } : {}),
      indexBytes,
      // The bot's memory: the query phase's process (the build's is reported apart).
      peakRssMb: postgres ? query.peakRssMb : Math.max(build.peakRssMb, query.peakRssMb),
      ...(server ? { database: database!.engine, buildPeakRssMb: build.peakRssMb, databasePeakRssMb: server.peakRssMb ?? "—" } : {}),
      ...(parity ?? {}),
      stages: query.stages as Record<string, { p50: number; p95: number; mean: number }>,
    };
    runs.push(result);
    process.stderr.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (!values.keep) await rm(root, { recursive: true, force: true });
  }
}

const header = postgres
  ? ["articles", "passages", "build passages/s", "no-op index ms", "cold start ms", "query p50 ms", "query p95 ms", "vector recall@40 as searched", "HNSW recall@40", "HNSW p50 ms", "exact scan p50 ms", "keyword recall@40", "postings read per question", "database MB", "bot RSS MB", "build RSS MB", "database RSS MB"]
  : ["articles", "passages", "build passages/s", "no-op index ms", "cold start ms", "query p50 ms", "query p95 ms", "vectra p50 ms", "index MB", "peak RSS MB"];
const rows = runs.map((r: any) =>
  (postgres
    ? [r.articles, r.passages, r.buildPassagesPerSec, r.noopReindexMs, r.coldStartMs, r.queryP50Ms, r.queryP95Ms, r.searchRecallAt40, r.recallAt40, r.hnswP50Ms, r.exactScanP50Ms, r.keywordRecallAt40, r.keywordPostingsRead, (r.indexBytes / 1e6).toFixed(1), r.peakRssMb, r.buildPeakRssMb, r.databasePeakRssMb]
    : [r.articles, r.passages, r.buildPassagesPerSec, r.noopReindexMs, r.coldStartMs, r.queryP50Ms, r.queryP95Ms, r.vectraQueryP50Ms ?? "cannot open", (r.indexBytes / 1e6).toFixed(1), r.peakRssMb]
  ).map(String),
);
process.stdout.write(`| ${header.join(" | ")} |\n| ${header.map(() => "---").join(" | ")} |\n${rows.map((row) => `| ${row.join(" | ")} |`).join("\n")}\n`);
if (values.stages) {
  // Where a question's time goes (the query phase's questions again, each stage timed; see src/stageClock.ts).
  for (const r of runs) {
    const total = Object.values(r.stages).reduce((sum, stage) => sum + stage.mean, 0);
    // A stage the store does not have (the file store's candidate fetch) is left out.
    const lines = Object.entries(r.stages).filter(([, t]) => t.mean > 0).map(([name, t]) => `| ${name} | ${t.mean.toFixed(2)} | ${t.p50.toFixed(2)} | ${t.p95.toFixed(2)} | ${Math.round((100 * t.mean) / total)}% |`);
    process.stdout.write(`\n${r.articles} articles, per question:\n| stage | mean ms | p50 ms | p95 ms | share |\n| --- | --- | --- | --- | --- |\n${lines.join("\n")}\n| all | ${total.toFixed(2)} | | | |\n`);
  }
}
if (values["ef-search"]) {
  // HNSW recall@40 (ties counted) and time at each search breadth asked for, on each size's graph.
  for (const r of runs as any[]) {
    const lines = Object.entries(r.byEfSearch as Record<string, { recallAt40: number; p50Ms: number }>).map(([ef, m]) => `| ${ef} | ${m.recallAt40} | ${m.p50Ms} |`);
    process.stdout.write(`\n${r.articles} articles, HNSW search breadth:\n| ef_search | recall@40 | p50 ms |\n| --- | --- | --- |\n${lines.join("\n")}\n`);
  }
}
if (values.json) process.stdout.write(`${JSON.stringify({ runs })}\n`);
