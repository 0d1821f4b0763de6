/**
 * `npm run bench -- --store postgres`'s database: PGlite (PostgreSQL 18 in WebAssembly) with
 * pgvector, its data in a folder on disk, served over the wire protocol on a free local port, in
 * a process of its own so that a bot process's memory is measured apart from the database's.
 * Prints `{"url": …}` once listening; on SIGTERM prints `{"peakRssMb": …, "databaseBytes": …}` and exits.
 * A managed PostgreSQL with native pgvector is faster than this (one WebAssembly thread): see the README.
 */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write("usage: bench-database <data folder>\n");
  process.exit(2);
}
const db = await PGlite.create({ dataDir, extensions: { vector } });
const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 64 });
await server.start();
const port = Number(server.getServerConn().split(":").at(-1));
console.log(JSON.stringify({ url: `postgres://postgres@127.0.0.1:${port}/postgres` }));
process.on("SIGTERM", () => {
  void (async () => {
    // The index's own tables and their indexes (HNSW, keys), not the catalog.
    const size = await db.query<{ bytes: string }>("select coalesce(sum(pg_total_relation_size(oid)), 0)::text as bytes from pg_class where relkind = 'r' and relname like 'verbatim\\_%'");
    console.log(JSON.stringify({ peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), databaseBytes: Number(size.rows[0]!.bytes) }));
    await server.stop();
    await db.close();
    process.exit(0);
  })();
});
