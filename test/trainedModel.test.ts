import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { BUNDLED_MODEL_ID, BUNDLED_MODELS_DIR, GLOVE_MODEL_ID, TRAINED_MODEL_ID, verifyBundledModel } from "../src/embeddings/bundledModel.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { createLogger } from "../src/log.js";
import { FIXTURE_QUESTIONS, writeFixtureCorpus } from "./fixtures/articles.js";
import { tempDir, testConfig } from "./helpers.js";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

/** General paraphrases with unrelated text, written for this test, not drawn from any question set of ours. */
const PARAPHRASES: readonly (readonly [string, string, string])[] = [
  ["when was the bridge opened", "the bridge was inaugurated in 1932", "the recipe calls for two eggs"],
  ["who wrote the novel", "the book's author is a former journalist", "the river floods every spring"],
  ["how much did the company earn", "the firm reported profits of $3 billion", "the players trained in the rain"],
  ["where was the singer born", "she grew up in a small town near Lyon, her birthplace", "the engine needs new oil"],
  ["how many people died in the fire", "the blaze killed twelve residents", "the committee approved the budget"],
  ["why did the airline cancel flights", "the carrier grounded its planes because of a strike", "the garden has three old oaks"],
];

describe("the trained static model", () => {
  it("passes its checksum check and loads, keyed to its weights", async () => {
    await verifyBundledModel(BUNDLED_MODELS_DIR, TRAINED_MODEL_ID);
    const embedder = await loadEmbedder({ model: TRAINED_MODEL_ID, cacheDir: await tempDir(), dtype: "auto" });
    expect(embedder.dimensions).toBe(100);
    expect(embedder.key).toMatch(new RegExp(`^${TRAINED_MODEL_ID}@sha256:[0-9a-f]{16}/fp32/`));
  });

  it.each(PARAPHRASES)("puts %j nearer its paraphrase than unrelated text", async (question, paraphrase, unrelated) => {
    const embedder = await loadEmbedder({ model: TRAINED_MODEL_ID, cacheDir: await tempDir(), dtype: "auto" });
    const [q, near, far] = await embedder.embedDocuments([question, paraphrase, unrelated]);
    expect(dot(q!, near!)).toBeGreaterThan(dot(q!, far!) + 0.1);
  });

  it("separates paraphrases from unrelated text more widely than the GloVe-SIF model it started from", async () => {
    const gap = async (model: string) => {
      const embedder = await loadEmbedder({ model, cacheDir: await tempDir(), dtype: "auto" });
      let total = 0;
      for (const [question, paraphrase, unrelated] of PARAPHRASES) {
        const [q, near, far] = await embedder.embedDocuments([question, paraphrase, unrelated]);
        total += dot(q!, near!) - dot(q!, far!);
      }
      return total / PARAPHRASES.length;
    };
    expect(await gap(TRAINED_MODEL_ID)).toBeGreaterThan(await gap(GLOVE_MODEL_ID));
  });
});

describe("changing the embedding model", () => {
  it("rebuilds an index made with another bundled model on start, with a line saying why", { timeout: 60_000 }, async () => {
    expect(BUNDLED_MODEL_ID).toBe(TRAINED_MODEL_ID);
    const dir = await tempDir();
    await writeFixtureCorpus(join(dir, "corpus"));
    const folders = { CORPUS_DIR: join(dir, "corpus"), INDEX_DIR: join(dir, "index"), MODEL_CACHE_DIR: join(dir, "models") };
    await buildConfiguredIndex(testConfig({ ...folders, EMBEDDING_MODEL: GLOVE_MODEL_ID }));
    const lines: string[] = [];
    const logger = createLogger("info", new Writable({ write: (chunk, _encoding, done) => (lines.push(...String(chunk).split("\n").filter(Boolean)), done()) }));
    const retriever = await openRetriever(testConfig(folders), logger);
    expect(retriever.source.manifest.model.id).toBe(TRAINED_MODEL_ID);
    expect(lines.some((line) => line.includes(`built with the embedding model ${GLOVE_MODEL_ID}, not the configured ${TRAINED_MODEL_ID}: rebuilding it now`))).toBe(true);
    const answer = await retriever.ask(FIXTURE_QUESTIONS[0]!);
    expect(answer.results.length).toBeGreaterThan(0);
  });
});
