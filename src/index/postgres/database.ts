/**
 * The connection pool of the PostgreSQL store: one per process and address, made on first use.
 * Every connection searches the HNSW graphs with the configured `hnsw.ef_search`.
 */
import pg from "pg";

/** Connections per process: a question runs two queries side by side (the vector search, the keyword ranking and then its candidates); the spares serve the rest. */
const POOL_SIZE = 4;

const pools = new Map<string, pg.Pool>();
/** Each pool's HNSW search breadth (hnsw.ef_search), and the connections already set to it. */
const searchBreadth = new WeakMap<pg.Pool, number>();
const searchReady = new WeakSet<pg.PoolClient>();

/** Sets a connection's `hnsw.ef_search` to the pool's, once per connection (with SET: a startup parameter would do on PostgreSQL, but not every server honours it). */
async function searchReadyClient(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  if (!searchReady.has(client)) {
    try {
      await client.query(`set hnsw.ef_search = ${searchBreadth.get(pool) ?? 40}`);
    } catch (error) {
      client.release();
      throw error;
    }
    searchReady.add(client);
  }
  return client;
}

/** Runs a vector search on a connection whose `hnsw.ef_search` is the pool's. */
export async function searchQuery<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  const client = await searchReadyClient(pool);
  try {
    return await client.query<R>(text, values);
  } finally {
    client.release();
  }
}

/**
 * Runs a filtered vector search (a scope's) with pgvector's iterative index scan in strict order,
 * for that query only (SET LOCAL in its own transaction): the HNSW scan goes on until the limit's
 * rows pass the filter, nearest first. Needs pgvector 0.8 or later.
 */
export async function filteredSearchQuery<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  const client = await searchReadyClient(pool);
  try {
    try {
      await client.query("begin; set local hnsw.iterative_scan = strict_order");
      const result = await client.query<R>(text, values);
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

/**
 * Runs a query and hands each row to `onRow` as it arrives, keeping none of them: a large result
 * (the keyword ranking's deep postings, megabytes a question at 100,000 articles) is then never
 * held whole, nor are its rows' strings kept long enough to leave the young generation. An error
 * `onRow` throws is the call's, once the query has ended (the connection stays usable).
 */
export async function eachRow<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[], onRow: (row: R) => void): Promise<void> {
  const client = await pool.connect();
  let thrown: { error: unknown } | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      // The outcome through the query's callback, not its events: with a `query_timeout` in
      // DATABASE_URL node-postgres wraps the callback and reports errors (the timeout's too) only
      // through it. A query with a callback also keeps its rows: each is dropped as the next comes.
      const query = new pg.Query<R>(text, values, (error) => (error ? reject(error) : resolve()));
      query.on("row", (row: R, result?: pg.ResultBuilder<R>) => {
        if (result) result.rows.length = 0;
        if (thrown) return;
        try {
          onRow(row);
        } catch (error) {
          thrown = { error };
        }
      });
      client.query(query);
    });
  } catch (error) {
    // A connection that failed (or was told to close) is not given back for another query.
    client.release(error as Error);
    throw error;
  }
  client.release();
  if (thrown) throw thrown.error;
}

/** Whether a pg error means the server cannot be reached (the operator's address or network), not a bad query. */
function unreachable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || code === "EAI_AGAIN" || code === "28P01" || code === "3D000";
}

/** The store's database cannot be reached. */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const address = url.replace(/\/\/[^@/]*@/, "//…@");
    super(`Cannot connect to the PostgreSQL database at ${address} (${(cause as Error).message}): check DATABASE_URL, that the server runs, and that the user may log in.`, { cause });
    this.name = "DatabaseUnreachableError";
  }
}

/** The pool for a DATABASE_URL; it lets the process exit once every connection is idle. */
export function poolFor(url: string, efSearch: number): pg.Pool {
  const key = `${url}\u0000${efSearch}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, allowExitOnIdle: true, connectionTimeoutMillis: 10_000 });
    searchBreadth.set(pool, Math.trunc(efSearch));
    // An idle connection that drops (a server restart) is replaced on the next query; do not crash.
    pool.on("error", () => undefined);
    pools.set(key, pool);
  }
  return pool;
}

/** Checks that the database answers, naming what to fix when it does not. */
export async function checkReachable(pool: pg.Pool, url: string): Promise<void> {
  try {
    await pool.query("select 1");
  } catch (error) {
    if (unreachable(error)) throw new DatabaseUnreachableError(url, error);
    throw error;
  }
}

/** Closes every pool this process opened (at shutdown, and between tests). */
export async function closePools(): Promise<void> {
  const open = [...pools.values()];
  pools.clear();
  await Promise.all(open.map((pool) => pool.end().catch(() => undefined)));
}
