/**
 * A real PostgreSQL engine with pgvector for the tests, through the same `pg` driver and SQL as
 * production:
 * - a native server when TEST_DATABASE_URL names one (CI starts PostgreSQL 15 + pgvector with
 *   `../shared/postgres/setup-native.sh start --ci`): each test database is a database of its own
 *   on that server, created empty (pgvector comes from template1) and dropped after;
 * - otherwise PGlite (PostgreSQL compiled to WebAssembly, in memory) served over the wire protocol
 *   by pglite-socket. PGlite is one session: the socket server runs each connection's transaction
 *   alone (others wait), an advisory lock taken on one connection is held by all of them, and a
 *   NOTIFY reaches the connection that sent it, not the listeners. The tests that need a real
 *   server's sessions are skipped there, with that reason.
 */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";

/** The native server's address (a role that may create databases), when the run has one. */
const NATIVE_URL = process.env.TEST_DATABASE_URL || undefined;

/** Which engine the PostgreSQL tests run on in this process. */
export const TEST_ENGINE: "native" | "pglite" = NATIVE_URL ? "native" : "pglite";

/** Why a test that needs separate database sessions is skipped on PGlite. */
export const NEEDS_NATIVE_SERVER = "needs a native PostgreSQL server (TEST_DATABASE_URL; CI starts one with ../shared/postgres/setup-native.sh): PGlite is one session for every connection";

/** One line for the test output: which engine, so a run on the fallback says so. */
export const ENGINE_NOTE = NATIVE_URL
  ? `PostgreSQL tests on the native server at ${NATIVE_URL.replace(/\/\/[^@/]*@/, "//…@")} (TEST_DATABASE_URL), one database per test`
  : "PostgreSQL tests on PGlite (TEST_DATABASE_URL is not set): the tests that need a native server are skipped";

/** An empty database for one test, and how to get rid of it. */
export interface TestDatabase {
  url: string;
  engine: "native" | "pglite";
  /** Drops the database (native), or stops the engine it alone uses (PGlite). */
  stop(): Promise<void>;
}

/** A server that hands out empty databases. */
export interface TestServer {
  engine: "native" | "pglite";
  /** A database with nothing of Verbatim's in it. */
  database(): Promise<TestDatabase>;
  stop(): Promise<void>;
}

let announced = false;
function announce(): void {
  if (announced) return;
  announced = true;
  console.info(ENGINE_NOTE);
}

let created = 0;

/** The native server: a database per call, named after this process, dropped (with its connections) by `stop`. */
function nativeServer(adminUrl: string): TestServer {
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const open = new Set<string>();
  // WITH (FORCE) ends the test's own connections, but refuses while a process of the server's own
  // (an autovacuum worker) is in the database, which the test's role may not end: that ends soon.
  const drop = async (name: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin((client) => client.query(`drop database if exists ${name} with (force)`));
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== "42501" || attempt === 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    open.delete(name);
  };
  return {
    engine: "native",
    database: async () => {
      const name = `verbatim_test_${process.pid}_${++created}`;
      await admin((client) => client.query(`create database ${name}`));
      open.add(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return { url: url.toString(), engine: "native", stop: () => drop(name) };
    },
    stop: async () => {
      for (const name of [...open]) await drop(name);
    },
  };
}

/** PGlite on a free local port: one database, emptied of Verbatim's tables for each call. */
async function pgliteServer(): Promise<TestServer> {
  const db = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 32 });
  await server.start();
  // "127.0.0.1:port", with the port the system chose
  const port = Number(server.getServerConn().split(":").at(-1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`the test database has no port (${server.getServerConn()})`);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    await server.stop();
    await db.close();
  };
  return {
    engine: "pglite",
    database: async () => {
      await db.exec("drop table if exists verbatim_current, verbatim_articles, verbatim_passages, verbatim_terms, verbatim_postings, verbatim_builds, verbatim_schema cascade");
      return { url, engine: "pglite", stop: async () => undefined };
    },
    stop,
  };
}

/** The run's server: TEST_DATABASE_URL's, or a PGlite of this process's own. */
export async function startTestServer(): Promise<TestServer> {
  announce();
  return NATIVE_URL ? nativeServer(NATIVE_URL) : pgliteServer();
}

/** An empty database of its own (on PGlite, an engine of its own); `stop` removes it. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const server = await startTestServer();
  const database = await server.database();
  return { ...database, stop: server.engine === "native" ? database.stop : server.stop };
}
