import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_MODEL_ID, BUNDLED_MODELS_DIR, MODEL_FILES, verifyBundledModel } from "../src/embeddings/bundledModel.js";
import { loadEmbedder, ModelUnavailableError } from "../src/embeddings/embedder.js";
import { tempDir } from "./helpers.js";

describe("the bundled model", () => {
  it("passes its checksum check and embeds text into unit vectors that rank related text higher", async () => {
    await verifyBundledModel();
    const embedder = await loadEmbedder({ model: BUNDLED_MODEL_ID, cacheDir: await tempDir(), dtype: "auto" });
    expect(embedder.dimensions).toBe(100);
    const [question, related, unrelated] = await embedder.embedDocuments(["does the treaty include mutual defence", "the agreement has no mutual defense clause", "the recipe needs flour and sugar"]);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
    expect(dot(question!, question!)).toBeCloseTo(1, 4);
    expect(dot(question!, related!)).toBeGreaterThan(dot(question!, unrelated!) + 0.3);
  });

  it("gives a zero vector, not NaN, for text with no known word", async () => {
    const embedder = await loadEmbedder({ model: BUNDLED_MODEL_ID, cacheDir: await tempDir(), dtype: "auto" });
    const [vector] = await embedder.embedDocuments(["@@@ ###"]);
    expect([...vector!].every((x) => x === 0)).toBe(true);
  });

  it("refuses a damaged weights file, naming it and the fix", async () => {
    const dir = await tempDir();
    await cp(join(BUNDLED_MODELS_DIR, BUNDLED_MODEL_ID), join(dir, BUNDLED_MODEL_ID), { recursive: true });
    const file = join(dir, BUNDLED_MODEL_ID, MODEL_FILES.onnx);
    const bytes = await readFile(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(file, bytes);
    await expect(verifyBundledModel(dir)).rejects.toThrow(/onnx\/model\.onnx is damaged.*git checkout -- model/);
  });

  it("names a hub model that cannot be downloaded and how to use the bundled one", async () => {
    const error = await loadEmbedder({ model: "verbatim-test/no-such-model", cacheDir: await tempDir(), dtype: "auto" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toMatch(new RegExp(`"verbatim-test/no-such-model".*EMBEDDING_MODEL=${BUNDLED_MODEL_ID}`));
  });
});
