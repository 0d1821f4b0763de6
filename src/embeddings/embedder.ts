import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DataType, FeatureExtractionPipeline, Tensor } from "@huggingface/transformers";
import { BUNDLED_MODEL_ID, BUNDLED_MODELS_DIR, isBundledModel, MODEL_FILES, verifyBundledModel } from "./bundledModel.js";
import { readStaticTable, StaticEmbedder } from "./staticEmbedder.js";

/** Turns texts into unit-length vectors. One real implementation; tests use it too. */
export interface Embedder {
  /** Identifies the model and its weights; an index built with another key is rebuilt. */
  readonly key: string;
  readonly dimensions: number;
  /** Embeds passages for the index. */
  embedDocuments(texts: readonly string[]): Promise<Float32Array[]>;
  /** Embeds a question (some models want a query prefix). */
  embedQuery(text: string): Promise<Float32Array>;
}

/** What choosing a model takes: the id, where downloaded models live, and how to run it. */
export interface EmbedderOptions {
  model: string;
  cacheDir: string;
  dtype: "auto" | DataType;
  pooling?: "mean" | "cls";
  queryPrefix?: string;
}

/** Texts per model call: large enough to amortise the call, small enough to keep padding low. */
export const EMBED_BATCH_SIZE = 64;

/** The error when a chosen hub model cannot be loaded, naming it and the offline alternative. */
export class ModelUnavailableError extends Error {
  constructor(model: string, cause: unknown) {
    super(
      `Cannot load the embedding model "${model}": it is not in the model cache and could not be downloaded (${(cause as Error)?.message ?? cause}). ` +
        `On a machine with internet it is downloaded once into MODEL_CACHE_DIR; to work offline, set EMBEDDING_MODEL=${BUNDLED_MODEL_ID} (the bundled model) in .env.`,
      { cause },
    );
    this.name = "ModelUnavailableError";
  }
}

class TransformersEmbedder implements Embedder {
  constructor(
    readonly key: string,
    readonly dimensions: number,
    private readonly extractor: FeatureExtractionPipeline,
    private readonly pooling: "mean" | "cls",
    private readonly queryPrefix: string,
  ) {}

  /**
   * Tokenises, runs the model and pools, as the feature-extraction pipeline does, but pools here:
   * its mean pooling reads the attention mask as BigInt once per token per dimension, which took
   * a third of a large build.
   */
  async embedDocuments(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const inputs = this.extractor.tokenizer([...texts], { padding: true, truncation: true }) as { attention_mask: Tensor };
    const outputs = (await this.extractor.model(inputs)) as Record<string, Tensor | undefined>;
    const hidden = (outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings)!;
    const [batch, length, width] = hidden.dims as [number, number, number];
    const data = hidden.data as Float32Array;
    const mask = inputs.attention_mask.data as BigInt64Array;
    const vectors: Float32Array[] = [];
    for (let b = 0; b < batch; b++) {
      const sums = new Float64Array(width);
      if (this.pooling === "cls") sums.set(data.subarray(b * length * width, b * length * width + width));
      else {
        let count = 0;
        for (let t = 0; t < length; t++) {
          if (mask[b * length + t] === 0n) continue;
          count++;
          const base = (b * length + t) * width;
          for (let k = 0; k < width; k++) sums[k]! += data[base + k]!;
        }
        if (count > 0) for (let k = 0; k < width; k++) sums[k]! /= count;
      }
      // Rounded to float32 like the pipeline's pooled tensor, then normalised.
      const vector = Float32Array.from(sums);
      let norm = 0;
      for (let k = 0; k < width; k++) norm += vector[k]! * vector[k]!;
      norm = Math.sqrt(norm);
      // A text with no known word pools to a zero vector: it stays zero (not NaN).
      for (let k = 0; k < width; k++) vector[k] = norm > 0 && Number.isFinite(vector[k]!) ? vector[k]! / norm : 0;
      vectors.push(vector);
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [vector] = await this.embedDocuments([this.queryPrefix + text]);
    return vector!;
  }
}

function resolveDtype(options: EmbedderOptions): DataType {
  return options.dtype === "auto" ? (isBundledModel(options.model) ? "fp32" : "q8") : options.dtype;
}

/**
 * The key an index records for the model, computed without loading it: the bundled model's is
 * tied to its weights' hash, so rebuilding the model rebuilds indexes made with the old one
 * (`weights`: the bundled model's ONNX file, when the caller has already read it).
 */
export async function modelKey(options: EmbedderOptions, weights?: Uint8Array): Promise<string> {
  const settings = `${resolveDtype(options)}/${options.pooling ?? "mean"}/${options.queryPrefix ?? ""}`;
  if (!isBundledModel(options.model)) return `${options.model}@${settings}`;
  weights ??= await readFile(join(BUNDLED_MODELS_DIR, options.model, MODEL_FILES.onnx));
  return `${options.model}@sha256:${createHash("sha256").update(weights).digest("hex").slice(0, 16)}/${settings}`;
}

/** The model's `model_max_length`: tokens per text, special tokens included (512 unless it says). */
async function maxTokens(folder: string): Promise<number> {
  const config = JSON.parse(await readFile(join(folder, MODEL_FILES.tokenizerConfig), "utf8")) as { model_max_length?: unknown };
  return typeof config.model_max_length === "number" && config.model_max_length > 0 ? config.model_max_length : 512;
}

/**
 * Loads the configured model. A bundled model is a word-vector table and runs here without a
 * model runtime (staticEmbedder.ts); any other goes through Transformers.js.
 */
export async function loadEmbedder(options: EmbedderOptions): Promise<Embedder> {
  if (isBundledModel(options.model) && resolveDtype(options) === "fp32") {
    await verifyBundledModel(BUNDLED_MODELS_DIR, options.model);
    const folder = join(BUNDLED_MODELS_DIR, options.model);
    const weights = await readFile(join(folder, MODEL_FILES.onnx));
    const table = await readStaticTable(weights);
    if (table) {
      const { Tokenizer } = await import("@huggingface/tokenizers");
      const [tokenizerJson, tokenizerConfig] = await Promise.all(
        [MODEL_FILES.tokenizer, MODEL_FILES.tokenizerConfig].map(async (file) => JSON.parse(await readFile(join(folder, file), "utf8")) as object),
      );
      const tokenizer = new Tokenizer(tokenizerJson!, tokenizerConfig!);
      return new StaticEmbedder(await modelKey(options, weights), table, { encode: (text) => tokenizer.encode(text).ids }, await maxTokens(folder), options.pooling ?? "mean", options.queryPrefix ?? "");
    }
  }
  return loadRuntimeEmbedder(options);
}

/**
 * Loads the configured model through the Transformers.js `feature-extraction` pipeline and its
 * ONNX runtime (exported for the test that holds the runtime-free path to the same numbers).
 */
export async function loadRuntimeEmbedder(options: EmbedderOptions): Promise<Embedder> {
  // Imported here, not at the top: the runtime takes most of a second to load, and a no-change
  // `npm run index` never needs it.
  const { env, pipeline } = await import("@huggingface/transformers");
  const bundled = isBundledModel(options.model);
  env.localModelPath = BUNDLED_MODELS_DIR + "/";
  env.cacheDir = options.cacheDir;
  env.allowLocalModels = true;
  env.allowRemoteModels = !bundled;
  const dtype = resolveDtype(options);
  if (bundled) await verifyBundledModel(BUNDLED_MODELS_DIR, options.model);
  const key = await modelKey(options);
  let extractor: FeatureExtractionPipeline;
  try {
    extractor = (await pipeline("feature-extraction", options.model, { dtype })) as FeatureExtractionPipeline;
  } catch (error) {
    if (bundled) throw new Error(`The bundled model failed to load: ${(error as Error).message}. Restore it with \`git checkout -- model\`.`, { cause: error });
    throw new ModelUnavailableError(options.model, error);
  }
  const pooling = options.pooling ?? "mean";
  const probe = await extractor(["probe"], { pooling, normalize: true });
  return new TransformersEmbedder(key, probe.dims.at(-1)!, extractor, pooling, options.queryPrefix ?? "");
}
