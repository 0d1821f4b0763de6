/**
 * The HNSW graph of a build's passage vectors, and the SQL that searches it.
 *
 * With pgvector 0.7 or later the graph holds the vectors at half precision (`halfvec`): half the
 * index's size and about a third less time a search (at 10,000 synthetic articles and
 * `ef_search` 400, 13 ms instead of 19), with the same recall@40. The graph then only chooses the
 * candidates: a search takes a few more than it returns, scores them by the stored float32
 * vectors, exactly as the file store does, and keeps the best, nearest first (ties by row), so
 * the scores a question sees are never the rounded ones. An older pgvector gets a float32 graph.
 * A build records which it has in its index's definition; the reader reads it from the catalog.
 */
import type pg from "pg";
import { partition } from "./schema.js";

/** The type a graph holds its vectors as. */
export type GraphPrecision = "halfvec" | "vector";

/** Candidates a half-precision search takes beyond those it returns, to re-score exactly. */
export const RESCORE_MARGIN = 8;

/** The server's pgvector version as [major, minor] ([0, 0] when it is not installed). */
export async function pgvectorVersion(db: pg.Pool | pg.PoolClient): Promise<[number, number]> {
  const { rows } = await db.query<{ version: string }>("select extversion as version from pg_extension where extname = 'vector'");
  const [major = 0, minor = 0] = (rows[0]?.version ?? "0").split(".").map(Number);
  return [major, minor];
}

/** The precision a new graph is built with on this pgvector (halfvec needs 0.7). */
export function graphPrecisionFor([major, minor]: [number, number]): GraphPrecision {
  return major > 0 || minor >= 7 ? "halfvec" : "vector";
}

/** The statement that builds a build's graph. */
export function createGraphSql(build: number, dimensions: number, precision: GraphPrecision, m: number, efConstruction: number): string {
  return `create index on ${partition("passages", build)} using hnsw ((embedding::${precision}(${dimensions})) ${precision}_ip_ops) with (m = ${m}, ef_construction = ${efConstruction})`;
}

/**
 * About the memory pgvector takes per passage while it builds the graph in memory: each passage's
 * links (2m at the bottom layer, 16 bytes each, and a few more above), its vector at the graph's
 * precision, and its element (~150 bytes). With the defaults (m 32, 100 dimensions at half
 * precision) 1.4 KB; measured: 1.8 million passages outgrew 2 GB at 1.57 million.
 */
export function graphBuildBytes(passages: number, dimensions: number, precision: GraphPrecision, m: number): number {
  return passages * (32 * m + dimensions * (precision === "halfvec" ? 2 : 4) + 150);
}

/** The memory a build's session may build the graph in: its `maintenance_work_mem`, in bytes. */
export async function maintenanceWorkMem(db: pg.Pool | pg.PoolClient): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>("select pg_size_bytes(current_setting('maintenance_work_mem'))::text as bytes");
  return Number(rows[0]!.bytes);
}

function megabytes(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20).toLocaleString("en-US")} MB`;
}

/**
 * What to tell the operator when the graph will not fit in `maintenance_work_mem` (undefined when
 * it fits): past it pgvector goes on building on disk, a few rows a second, so the build seems to
 * hang for hours, and says so only in a notice.
 */
export function graphMemoryWarning(passages: number, needed: number, available: number): string | undefined {
  if (needed <= available) return undefined;
  const ask = `${Math.ceil((needed * 1.2) / 2 ** 30)}GB`;
  return (
    `The database's maintenance_work_mem is ${megabytes(available)}, and the HNSW graph of ${passages.toLocaleString("en-US")} passages takes about ${megabytes(needed)} while it is built: ` +
    `past that pgvector builds it on disk, many times slower (hours at 100,000 articles). If the server has the memory, raise it for the role that builds ` +
    `(\`alter role current_user set maintenance_work_mem = '${ask}'\`, then run the build again) or for the server (\`alter system set maintenance_work_mem = '${ask}'\`; \`select pg_reload_conf()\`). Building on.`
  );
}

/** Which precision a build's graph has, from its index's definition (a build made before halfvec graphs has a float32 one). */
export async function graphPrecisionOf(pool: pg.Pool, build: number): Promise<GraphPrecision> {
  const { rows } = await pool.query<{ definition: string }>("select indexdef as definition from pg_indexes where tablename = $1", [partition("passages", build)]);
  return rows.some((row) => /\bhnsw\b/i.test(row.definition) && /halfvec_ip_ops/i.test(row.definition)) ? "halfvec" : "vector";
}

/**
 * The `limit` passages nearest to $1 (the question's vector, as text) through the graph, as SQL
 * returning (row, score), nearest first. `where` (over `p`) narrows the passages; its values
 * start at `$3`, `$2` being the limit.
 */
export function graphSearchSql(build: number, dimensions: number, precision: GraphPrecision, where = ""): string {
  const table = partition("passages", build);
  const exact = `(p.embedding::vector(${dimensions})) <#> $1::vector(${dimensions})`;
  const filter = where ? ` where ${where}` : "";
  if (precision === "vector") return `select p.row, -(${exact}) as score from ${table} p${filter} order by ${exact} limit $2`;
  const graphDistance = `(p.embedding::halfvec(${dimensions})) <#> $1::halfvec(${dimensions})`;
  return `select row, score from (select p.row, -(${exact}) as score from ${table} p${filter} order by ${graphDistance} limit $2::int + ${RESCORE_MARGIN}) candidates order by score desc, row limit $2`;
}
