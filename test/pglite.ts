/** Moved to testDatabase.ts (a native server with TEST_DATABASE_URL, PGlite otherwise); kept until the bot's end-to-end suite imports it from there. */
export { startTestDatabase, type TestDatabase } from "./testDatabase.js";
