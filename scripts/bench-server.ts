/**
 * The database of `npm run bench -- --store postgres`: a database of its own on the native server
 * BENCH_DATABASE_URL names (a role that may create databases, with `vector` in template1, as
 * `../shared/postgres/setup-native.sh` sets up), or else PGlite in a process of its own
 * (scripts/bench-database.ts). `stop` reports the index's size (its tables and their indexes),
 * and for PGlite the database process's peak memory; a native server's own memory is shared by
 * its sessions and not reported.
 */
import { spawn } from "node:child_process";
import pg from "pg";
import { PROJECT_ROOT } from "../src/config.js";

export interface BenchDatabase {
  url: string;
  /** "native" or "pglite". */
  engine: string;
  stop(options: { keep: boolean }): Promise<{ peakRssMb?: number; databaseBytes: number }>;
}

/** The index's own tables and their indexes (HNSW, keys), not the catalog. */
export const INDEX_SIZE_SQL = "select coalesce(sum(pg_total_relation_size(oid)), 0)::text as bytes from pg_class where relkind = 'r' and relname like 'verbatim\\_%'";

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database on the native server; dropped by `stop` unless kept. */
async function nativeDatabase(serverUrl: string, name: string): Promise<BenchDatabase> {
  await onServer(serverUrl, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    engine: "native",
    stop: async ({ keep }) => {
      const { rows } = await onServer(url.toString(), (client) => client.query<{ bytes: string }>(INDEX_SIZE_SQL));
      if (!keep) await onServer(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
      else process.stderr.write(`kept the database ${url.toString().replace(/\/\/[^@/]*@/, "//…@")}\n`);
      return { databaseBytes: Number(rows[0]!.bytes) };
    },
  };
}

/** PGlite on a data folder, in a process of its own (scripts/bench-database.ts). */
async function pgliteDatabase(dataDir: string): Promise<BenchDatabase> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/bench-database.ts", dataDir], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
  process.on("exit", () => child.kill());
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let buffer = "";
  child.stdout.on("data", (chunk) => {
    buffer += String(chunk);
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts.filter(Boolean));
    waiting?.();
  });
  const next = async (): Promise<any> => {
    while (lines.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
    return JSON.parse(lines.shift()!);
  };
  const { url } = await next();
  return {
    url,
    engine: "pglite",
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const report = await next();
      await exited; // its files are closed before the folder is removed
      return report;
    },
  };
}

/** The benchmark's database for one corpus (named verbatim_bench_<label> on a server): on `serverUrl` (BENCH_DATABASE_URL) when given, else PGlite in `dataDir`. */
export function startBenchDatabase(dataDir: string, serverUrl: string | undefined, label: string): Promise<BenchDatabase> {
  return serverUrl ? nativeDatabase(serverUrl, `verbatim_bench_${label}`) : pgliteDatabase(dataDir);
}
