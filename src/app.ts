import type { Config } from "./config.js";
import { loadEmbedder, modelKey, type Embedder, type EmbedderOptions } from "./embeddings/embedder.js";
import { buildIndex, type BuildReport, type ProgressReporter } from "./index/build.js";
import { IndexMissingError, IndexOutdatedError, loadIndex } from "./index/snapshot.js";
import type { Logger } from "./log.js";
import { DEFAULT_PASSAGE_SETTINGS } from "./passages/passages.js";
import { DEFAULT_WEIGHTS, Retriever } from "./retrieval/retriever.js";
import { loadShippedModels } from "./retrieval/shippedModels.js";

/** The model choice of a configuration. */
export function embedderOptions(config: Config): EmbedderOptions {
  return {
    model: config.EMBEDDING_MODEL,
    cacheDir: config.MODEL_CACHE_DIR,
    dtype: config.EMBEDDING_DTYPE,
    pooling: config.EMBEDDING_POOLING,
    queryPrefix: config.EMBEDDING_QUERY_PREFIX,
  };
}

/** Builds or updates the configured index; loads the model only if something must be embedded. */
export async function buildConfiguredIndex(config: Config, options: { progress?: ProgressReporter; force?: boolean; strict?: boolean; embedder?: Embedder } = {}): Promise<BuildReport> {
  const modelOptions = embedderOptions(config);
  return buildIndex({
    corpusDir: config.CORPUS_DIR,
    indexDir: config.INDEX_DIR,
    passageSettings: DEFAULT_PASSAGE_SETTINGS,
    modelId: config.EMBEDDING_MODEL,
    modelKey: await modelKey(modelOptions),
    loadEmbedder: async () => options.embedder ?? loadEmbedder(modelOptions),
    progress: options.progress,
    force: options.force,
    strict: options.strict,
  });
}

/** Names, in the log, every corpus file a build left out. */
function logSkipped(logger: Logger, report: BuildReport): void {
  for (const skip of report.skipped) logger.warn({ file: skip.file, reason: skip.reason }, `skipped ${skip.file}: ${skip.reason}`);
}

/**
 * Loads the model and the index once, building the index first when there is none yet, and
 * rebuilds it when it was made with another model.
 */
export async function openRetriever(config: Config, logger: Logger, options: { progress?: ProgressReporter } = {}): Promise<Retriever> {
  // The model and the index load side by side: file reads and ONNX set-up overlap.
  const [embedder, loaded] = await Promise.all([loadEmbedder(embedderOptions(config)), loadIndex(config.INDEX_DIR).catch((error: unknown) => error as Error)]);
  let snapshot;
  try {
    if (loaded instanceof Error) throw loaded;
    snapshot = loaded;
  } catch (error) {
    if (error instanceof IndexMissingError) logger.info({ indexDir: config.INDEX_DIR }, "no index yet: building it now (first run)");
    else if (error instanceof IndexOutdatedError) logger.warn({ indexDir: config.INDEX_DIR }, "the index was built by another version of Verbatim: rebuilding it now");
    else throw error;
    logSkipped(logger, await buildConfiguredIndex(config, { progress: options.progress, embedder }));
    snapshot = await loadIndex(config.INDEX_DIR);
  }
  if (snapshot.manifest.model.key !== embedder.key) {
    // Quotes ranked with vectors from one model against questions embedded by another would be noise.
    logger.warn({ indexDir: config.INDEX_DIR, built: snapshot.manifest.model.key, configured: embedder.key }, `the index was built with the embedding model ${snapshot.manifest.model.id}, not the configured ${config.EMBEDDING_MODEL}: rebuilding it now`);
    logSkipped(logger, await buildConfiguredIndex(config, { progress: options.progress, embedder }));
    snapshot = await loadIndex(config.INDEX_DIR);
  }
  if (config.RANKING === "hand") return new Retriever(snapshot, embedder);
  const shipped = await loadShippedModels(embedder.key);
  if (!shipped.models) logger.warn({ reason: shipped.reason }, `RANKING=${config.RANKING}, but the learned models cannot be used: ranking with the hand-tuned weights`);
  return new Retriever(snapshot, embedder, DEFAULT_WEIGHTS, shipped.models, config.RANKING === "learned");
}
