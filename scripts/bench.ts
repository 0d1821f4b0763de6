/**
 * `npm run bench -- [--sizes 100,1000,10000] [--json] [--keep]` (or `-- --ceiling`, see bench-ceiling.ts): builds synthetic corpora of each size in a
 * temporary folder with the real code path and the bundled model, and measures build speed, a
 * no-change `npm run index`, cold start, warm question latency, vectra's own query, index size and
 * peak memory. Prints a table, and with --json one JSON object as the last line.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../src/config.js";
import { buildPath, readPointer } from "../src/index/layout.js";
import { writeSyntheticCorpus } from "./bench-corpus.js";

const { values } = parseArgs({ options: { sizes: { type: "string", default: "100,1000,10000" }, json: { type: "boolean" }, keep: { type: "boolean" }, ceiling: { type: "boolean" } } });
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

/** Runs a command; resolves with its stdout, wall time and (via GNU time when present) nothing else. */
function run(args: string[], env: Record<string, string>): Promise<{ stdout: string; ms: number; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: "silent", ...env }, stdio: ["ignore", "pipe", "pipe"] });
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

const runs = [];
for (const articles of sizes) {
  const root = await mkdtemp(join(tmpdir(), "verbatim-bench-"));
  try {
    const corpusDir = join(root, "corpus");
    const indexDir = join(root, "index");
    const env = { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir };
    process.stderr.write(`${articles} articles: writing the corpus…\n`);
    const { questions } = await writeSyntheticCorpus(corpusDir, articles);
    const questionFile = join(root, "questions.json");
    await writeFile(questionFile, JSON.stringify(questions));
    process.stderr.write(`${articles} articles: full build…\n`);
    const build = lastJson(await run(["scripts/bench-worker.ts", "build", corpusDir, indexDir], env), "the build");
    process.stderr.write(`${articles} articles: no-change npm run index, cold start, queries…\n`);
    const noop = await run(["src/cli/index.ts"], env);
    if (noop.code !== 0) throw new Error(`npm run index failed: ${noop.stderr}`);
    const cold = await run(["src/cli/ask.ts", questions[0]!], env);
    if (cold.code !== 0 || cold.stdout === "") throw new Error(`npm run ask failed: ${cold.stderr}`);
    const query = lastJson(await run(["scripts/bench-worker.ts", "query", corpusDir, indexDir, questionFile], env), "the queries");
    const vectra = lastJson(await run(["scripts/bench-worker.ts", "vectra", corpusDir, indexDir, questionFile], env), "vectra's queries");
    const indexBytes = await folderBytes(buildPath(indexDir, (await readPointer(indexDir))!));
    const result = {
      articles,
      passages: build.passages,
      buildPassagesPerSec: Math.round(build.buildPassagesPerSec),
      noopReindexMs: Math.round(noop.ms),
      coldStartMs: Math.round(cold.ms),
      queryP50Ms: Math.round(query.queryP50Ms * 10) / 10,
      queryP95Ms: Math.round(query.queryP95Ms * 10) / 10,
      vectraQueryP50Ms: Math.round(vectra.vectraQueryP50Ms * 10) / 10,
      indexBytes,
      peakRssMb: Math.max(build.peakRssMb, query.peakRssMb),
      vectraPeakRssMb: vectra.vectraPeakRssMb,
    };
    runs.push(result);
    process.stderr.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (!values.keep) await rm(root, { recursive: true, force: true });
  }
}

const header = ["articles", "passages", "build passages/s", "no-op index ms", "cold start ms", "query p50 ms", "query p95 ms", "vectra p50 ms", "index MB", "peak RSS MB"];
const rows = runs.map((r) => [r.articles, r.passages, r.buildPassagesPerSec, r.noopReindexMs, r.coldStartMs, r.queryP50Ms, r.queryP95Ms, r.vectraQueryP50Ms, (r.indexBytes / 1e6).toFixed(1), r.peakRssMb].map(String));
process.stdout.write(`| ${header.join(" | ")} |\n| ${header.map(() => "---").join(" | ")} |\n${rows.map((row) => `| ${row.join(" | ")} |`).join("\n")}\n`);
if (values.json) process.stdout.write(`${JSON.stringify({ runs })}\n`);
