import { defineConfig } from "vitest/config";

/**
 * The slow tier: the bot's end-to-end suites (a fake Discord, real bot processes, on both stores,
 * servers' own articles and the admin commands, and a burst of 200 questions at once) and the PostgreSQL store's suites (PGlite, or TEST_DATABASE_URL's server). `npm test` runs
 * everything else (the fast tier); `npm run test:all` runs both tiers.
 */
const SLOW_TESTS = ["test/bot.e2e.test.ts", "test/botConcurrency.e2e.test.ts", "test/botScopes.e2e.test.ts", "test/postgres.test.ts", "test/postgresScopes.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Tests build their own corpora (test/fixtures). An operator replaces corpus/, so a test that
    // forgets to set CORPUS_DIR must fail here, not quietly read whatever corpus/ holds; likewise
    // a test's votes never land in data/feedback.
    env: { CORPUS_DIR: "test/no-corpus-configured", INDEX_DIR: "test/no-index-configured", FEEDBACK_DIR: "test/no-feedback-configured" },
    projects: [
      { extends: true, test: { name: "fast", include: ["test/**/*.test.ts"], exclude: SLOW_TESTS } },
      { extends: true, test: { name: "slow", include: SLOW_TESTS } },
    ],
  },
});
