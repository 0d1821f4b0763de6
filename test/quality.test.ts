import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildConfiguredIndex, embedderOptions } from "../src/app.js";
import { PROJECT_ROOT } from "../src/config.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { grade, parseQuestionSet, summarizeOutcomes } from "../src/evaluation/metrics.js";
import { loadIndex } from "../src/index/snapshot.js";
import { Retriever } from "../src/retrieval/retriever.js";
import { copyOfRealCorpus, tempDir, testConfig } from "./helpers.js";

/** The figures reached on our own labelled set; a change that lowers them is a regression. */
const FLOOR = { hitAt1: 0.81, hitAt3: 0.93, unanswerableRefused: 10, answerableRefusedAtMost: 1 };

describe("answer quality on test/fixtures/questions.json", () => {
  it("does not fall below the level reached", async () => {
    const config = testConfig({ CORPUS_DIR: await copyOfRealCorpus(), INDEX_DIR: await tempDir() });
    const embedder = await loadEmbedder(embedderOptions(config));
    await buildConfiguredIndex(config, { embedder });
    const retriever = new Retriever(await loadIndex(config.INDEX_DIR), embedder);
    const questions = parseQuestionSet(JSON.parse(await readFile(join(PROJECT_ROOT, "test/fixtures/questions.json"), "utf8")));
    const outcomes = [];
    for (const question of questions) outcomes.push(grade(question, await retriever.ask(question.q), 0));
    const figures = summarizeOutcomes(outcomes);
    expect(figures.hitAt1).toBeGreaterThanOrEqual(FLOOR.hitAt1 - 1e-9);
    expect(figures.hitAt3).toBeGreaterThanOrEqual(FLOOR.hitAt3 - 1e-9);
    expect(figures.abstained).toBe(FLOOR.unanswerableRefused);
    expect(figures.falseAbstained).toBeLessThanOrEqual(FLOOR.answerableRefusedAtMost);
  });
});
