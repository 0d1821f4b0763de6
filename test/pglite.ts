/**
 * A real PostgreSQL engine with pgvector for the tests: PGlite (PostgreSQL compiled to
 * WebAssembly, in memory) served over the wire protocol by pglite-socket, so the store is tested
 * through the same `pg` driver and SQL as production. PGlite is one session: the socket server
 * runs each connection's transaction alone (others wait), and a NOTIFY reaches the connection
 * that sent it, not the listeners (see the README's notes on testing).
 */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface TestDatabase {
  url: string;
  db: PGlite;
  stop(): Promise<void>;
}

/** Starts an empty database on a free local port. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const db = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 32 });
  await server.start();
  // "127.0.0.1:port", with the port the system chose
  const port = Number(server.getServerConn().split(":").at(-1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`the test database has no port (${server.getServerConn()})`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    db,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
