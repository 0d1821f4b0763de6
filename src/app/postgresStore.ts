/**
 * The PostgreSQL store as open.ts uses it, in one module that open.ts imports only when
 * DATABASE_URL chooses that store: the file store, and every question asked of it, never loads pg.
 */
export { buildPostgresIndex } from "../index/postgres/build.js";
export { checkReachable, poolFor } from "../index/postgres/database.js";
export { migrate } from "../index/postgres/schema.js";
export { DatabaseIndexMissingError, PostgresSource } from "../index/postgres/source.js";
export { databaseWatcher } from "./databaseWatcher.js";
