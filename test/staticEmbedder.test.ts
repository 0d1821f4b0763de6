import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_MODEL_IDS, BUNDLED_MODELS_DIR, MODEL_FILES } from "../src/embeddings/bundledModel.js";
import { type EmbedderOptions, loadEmbedder, loadRuntimeEmbedder } from "../src/embeddings/embedder.js";
import { readStaticTable, StaticEmbedder } from "../src/embeddings/staticEmbedder.js";
import { FIXTURE_ARTICLES } from "./fixtures/articles.js";
import { PROJECT_ROOT } from "../src/config.js";
import { tempDir } from "./helpers.js";

/** Texts that exercise the tokenizer: accents, other scripts, numbers, punctuation, unknown words, emoji, nothing at all, and past the 512-token cut. */
const EDGE_CASES = [
  "",
  "   ",
  "@@@ ###",
  "Does the treaty include mutual defence??",
  "wat did putin n pezeshkian sign lol",
  "Café Zürich, São Paulo and Łódź — “quoted” ‘words’…",
  "Москва и Тегеран подписали договор",
  "日本語のテキスト and 中文",
  "GDP grew 3.5% to $1.2bn in Q4 2024 (up from 2.9%).",
  "don't won't it's U.S. e.g. 1,000,000",
  "🙂👍 emoji only 🇮🇷🇷🇺",
  "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
  Array.from({ length: 700 }, (_, i) => `word${i % 37} the treaty`).join(" "),
];

async function seedTexts(): Promise<string[]> {
  const seeds = join(PROJECT_ROOT, "..", "shared", "seeds");
  const files = await readdir(seeds);
  const texts = await Promise.all(files.filter((file) => file.endsWith(".txt")).map((file) => readFile(join(seeds, file), "utf8")));
  // Whole articles (cut at 512 tokens) and each paragraph on its own.
  return texts.flatMap((text) => [text, ...text.split(/\n\s*\n/)]);
}

describe("the bundled models without a model runtime", () => {
  it.each(BUNDLED_MODEL_IDS.flatMap((model) => (["mean", "cls"] as const).map((pooling) => [model, pooling] as const)))(
    "%s (%s pooling) gives bit-identical vectors to the ONNX runtime's, and the same key",
    async (model, pooling) => {
      const options: EmbedderOptions = { model, cacheDir: await tempDir(), dtype: "auto", pooling, queryPrefix: "query: " };
      const direct = await loadEmbedder(options);
      const runtime = await loadRuntimeEmbedder(options);
      expect(direct).toBeInstanceOf(StaticEmbedder);
      expect(direct.key).toBe(runtime.key);
      expect(direct.dimensions).toBe(runtime.dimensions);
      const texts = [...EDGE_CASES, ...Object.values(FIXTURE_ARTICLES), ...(await seedTexts())];
      expect(texts.length).toBeGreaterThan(EDGE_CASES.length + 3);
      const expected = await runtime.embedDocuments(texts);
      const actual = await direct.embedDocuments(texts);
      actual.forEach((vector, i) => expect([...vector], JSON.stringify(texts[i]!.slice(0, 60))).toEqual([...expected[i]!]));
      for (const text of EDGE_CASES.slice(3, 6)) expect([...(await direct.embedQuery(text))]).toEqual([...(await runtime.embedQuery(text))]);
    },
    60_000,
  );

  it("reads the table only from the static graph it was written as, and sends anything else to the runtime", async () => {
    const bytes = await readFile(join(BUNDLED_MODELS_DIR, BUNDLED_MODEL_IDS[0]!, MODEL_FILES.onnx));
    const table = await readStaticTable(bytes);
    expect(table).not.toBeNull();
    expect(table!.rows.length).toBe(table!.vocabSize * table!.dimensions);
    expect(table!.scales.length).toBe(table!.vocabSize);

    const { onnx } = (await import("onnx-proto")).default;
    const model = onnx.ModelProto.decode(bytes);
    model.graph!.node![3]!.opType = "Add";
    expect(await readStaticTable(onnx.ModelProto.encode(model).finish())).toBeNull();
    expect(await readStaticTable(new TextEncoder().encode("not an onnx file"))).toBeNull();
  });
});
