/**
 * Opening what answers questions: the configured model and index (built first when there is none,
 * or when it was made by another version or with another model), and the ranking configured.
 */
import type { Config } from "../config.js";
import { loadEmbedder, modelKey, type Embedder, type EmbedderOptions } from "../embeddings/embedder.js";
import type { BuildReport, ProgressReporter } from "../index/build.js";
import type pg from "pg";
import { IndexMissingError, IndexOutdatedError, loadIndex } from "../index/snapshot.js";
import { fileWatcher, type IndexWatcher } from "./watchers.js";
import type { Logger } from "../log.js";
import type { Manifest } from "../index/manifest.js";
import { FileSource, type IndexSource } from "../index/source.js";
import { DEFAULT_PASSAGE_SETTINGS } from "../passages/passages.js";
import { Retriever } from "../retrieval/retriever.js";
import { loadShippedModels } from "../retrieval/shippedModels.js";

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

/**
 * The PostgreSQL store's code and the configured database's pool, or undefined for the file store.
 * Imported here, not at the top: pg and the store's code take a tenth of a second to load, which
 * the file store should not pay.
 */
async function configuredDatabase(config: Config): Promise<{ store: typeof import("./postgresStore.js"); pool: pg.Pool } | undefined> {
  if (!config.DATABASE_URL) return undefined;
  const store = await import("./postgresStore.js");
  return { store, pool: store.poolFor(config.DATABASE_URL, config.HNSW_EF_SEARCH) };
}

/** Builds or updates the configured index (files, or PostgreSQL with DATABASE_URL); loads the model only if something must be embedded. */
export async function buildConfiguredIndex(config: Config, options: { progress?: ProgressReporter; force?: boolean; strict?: boolean; embedder?: Embedder } = {}): Promise<BuildReport> {
  const modelOptions = embedderOptions(config);
  const settings = {
    corpusDir: config.CORPUS_DIR,
    passageSettings: DEFAULT_PASSAGE_SETTINGS,
    modelId: config.EMBEDDING_MODEL,
    modelKey: await modelKey(modelOptions),
    loadEmbedder: async () => options.embedder ?? loadEmbedder(modelOptions),
    progress: options.progress,
    force: options.force,
    strict: options.strict,
  };
  const database = await configuredDatabase(config);
  if (database) {
    // pgvector refuses such a graph only after the whole build is embedded and written: say so first.
    if (config.HNSW_EF_CONSTRUCTION < 2 * config.HNSW_M) throw new Error(`HNSW_EF_CONSTRUCTION (${config.HNSW_EF_CONSTRUCTION}) must be at least twice HNSW_M (${config.HNSW_M}): pgvector builds no graph otherwise. Change one of them in .env.`);
    await database.store.checkReachable(database.pool, config.DATABASE_URL!);
    return database.store.buildPostgresIndex({ ...settings, pool: database.pool, hnsw: { m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION } });
  }
  // The builder (reading the corpus, front matter, the build lock) loads only when a build runs.
  const { buildIndex } = await import("../index/build.js");
  return buildIndex({ ...settings, indexDir: config.INDEX_DIR });
}

/** Loads the configured store's current build. Throws IndexMissingError / DatabaseIndexMissingError when there is none. */
export async function loadConfiguredSource(config: Config): Promise<IndexSource> {
  const database = await configuredDatabase(config);
  if (!database) return new FileSource(await loadIndex(config.INDEX_DIR));
  const { store, pool } = database;
  await store.checkReachable(pool, config.DATABASE_URL!);
  await store.migrate(pool);
  return store.PostgresSource.open(pool, undefined, { vectorScanMaxPassages: config.VECTOR_SCAN_MAX_PASSAGES });
}

/** How the configured store's builds are watched for a new one. */
export async function configuredWatcher(config: Config): Promise<IndexWatcher> {
  const database = await configuredDatabase(config);
  return database ? database.store.databaseWatcher(database.pool, { vectorScanMaxPassages: config.VECTOR_SCAN_MAX_PASSAGES }) : fileWatcher(config.INDEX_DIR);
}

/**
 * Why an index cannot answer questions embedded by `embedder`, or undefined when it can: quotes
 * ranked with vectors from one model against questions embedded by another would be noise.
 */
export function modelMismatch(index: { manifest: Manifest }, embedder: Embedder): string | undefined {
  const built = index.manifest.model;
  return built.key === embedder.key ? undefined : `it was built with the model ${built.id}, but the bot runs ${embedder.key}`;
}

/** A retriever like `previous` (same model, same ranking) over another index. */
export function retrieverFor(source: IndexSource, previous: Retriever): Retriever {
  const mismatch = modelMismatch(source, previous.embedder);
  if (mismatch) throw new Error(`${mismatch}; restart the bot after changing EMBEDDING_MODEL`);
  return previous.withSource(source);
}

/** Names, in the log, every corpus file a build left out. */
export function logSkipped(logger: Logger, report: BuildReport): void {
  for (const skip of report.skipped) logger.warn({ file: skip.file, reason: skip.reason }, `skipped ${skip.file}: ${skip.reason}`);
}

/**
 * Loads the model and the index once, building the index first when there is none yet, and
 * rebuilds it when it was made with another model.
 */
export async function openRetriever(config: Config, logger: Logger, options: { progress?: ProgressReporter } = {}): Promise<Retriever> {
  // The model and the index load side by side: file reads and ONNX set-up overlap.
  const [embedder, loaded] = await Promise.all([loadEmbedder(embedderOptions(config)), loadConfiguredSource(config).catch((error: unknown) => error as Error)]);
  const where = config.DATABASE_URL ? { store: "postgres" } : { indexDir: config.INDEX_DIR };
  let source: IndexSource;
  try {
    if (loaded instanceof Error) throw loaded;
    source = loaded;
  } catch (error) {
    if (error instanceof IndexMissingError || (config.DATABASE_URL && error instanceof (await import("./postgresStore.js")).DatabaseIndexMissingError)) logger.info(where, "no index yet: building it now (first run)");
    else if (error instanceof IndexOutdatedError) logger.warn(where, "the index was built by another version of Verbatim: rebuilding it now");
    else throw error;
    logSkipped(logger, await buildConfiguredIndex(config, { progress: options.progress, embedder }));
    source = await loadConfiguredSource(config);
  }
  if (modelMismatch(source, embedder)) {
    logger.warn({ ...where, built: source.manifest.model.key, configured: embedder.key }, `the index was built with the embedding model ${source.manifest.model.id}, not the configured ${config.EMBEDDING_MODEL}: rebuilding it now`);
    logSkipped(logger, await buildConfiguredIndex(config, { progress: options.progress, embedder }));
    source = await loadConfiguredSource(config);
  }
  const { retriever, noModels } = await configuredRetriever(config, source, embedder);
  if (noModels) logger.warn({ reason: noModels }, `the learned models cannot be used: ranking with the hand-tuned weights and refusing below a fixed confidence (RANKING=${config.RANKING})`);
  return retriever;
}

/**
 * The configured ranking over `source` with `embedder`, as the bot's main thread and its scoring
 * workers both make it; `noModels` says why the learned models cannot be used, when they cannot.
 */
export async function configuredRetriever(config: Config, source: IndexSource, embedder: Embedder): Promise<{ retriever: Retriever; noModels?: string }> {
  // Both rankings read the learned models: the learned one ranks with them, and each has its own
  // learned scores and refusal. Without them (another embedding model), the hand-tuned weights
  // rank and a fixed threshold refuses.
  const shipped = await loadShippedModels(embedder.key);
  const retriever = new Retriever(source, embedder, shipped.models, config.RANKING);
  return shipped.models ? { retriever } : { retriever, noModels: shipped.reason };
}

/** The question asked before serving, so that no user's question pays for what the first one builds (ONNX session, caches). */
export const WARM_UP_QUESTION = "what do the articles say";
