import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Tests build their own corpora (test/fixtures). An operator replaces corpus/, so a test that
    // forgets to set CORPUS_DIR must fail here, not quietly read whatever corpus/ holds; likewise
    // a test's votes never land in data/feedback.
    env: { CORPUS_DIR: "test/no-corpus-configured", INDEX_DIR: "test/no-index-configured", FEEDBACK_DIR: "test/no-feedback-configured" },
  },
});
