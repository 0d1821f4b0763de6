import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { readCorpus } from "../src/corpus/loadCorpus.js";
import { testConfig, TREATY_CORPUS } from "./helpers.js";

describe("tests do not depend on corpus/", () => {
  it("point the default configuration away from corpus/, data/index and data/feedback (vitest.config.ts, testConfig), so a test must name its own", () => {
    for (const config of [loadConfig(), testConfig({})]) {
      expect(config.CORPUS_DIR).not.toBe(join(PROJECT_ROOT, "corpus"));
      expect(config.INDEX_DIR).not.toBe(join(PROJECT_ROOT, "data", "index"));
      expect(config.FEEDBACK_DIR).not.toBe(join(PROJECT_ROOT, "data", "feedback"));
    }
  });

  it("keep the treaty articles as a fixture of their own", async () => {
    const { articles } = await readCorpus(TREATY_CORPUS);
    expect(articles).toHaveLength(6);
  });
});
