import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { config as loadDotenv } from "dotenv";
import { z } from "zod";
import { BUNDLED_MODEL_ID } from "./embeddings/bundledModel.js";
import { MAX_QUESTION_LENGTH } from "./retrieval/answer.js";
import { DEFAULT_VECTOR_SCAN_MAX_PASSAGES } from "./index/vectorMatrix.js";

/** The project's root folder, so default paths work from any working directory. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Most scoring threads the bot starts by default: each holds a copy of the index (about 0.55 GB at
 * 10,000 articles), and two answer far more questions a second than a Discord bot is asked.
 */
export const MAX_DEFAULT_ANSWER_WORKERS = 2;
/** Most scoring threads ANSWER_WORKERS may ask for: past the cores they only take memory. */
const MAX_ANSWER_WORKERS = 64;

/** Scoring threads by default: one per core beside the main thread's, at least one, at most MAX_DEFAULT_ANSWER_WORKERS. */
export function defaultAnswerWorkers(cores: number = availableParallelism()): number {
  return Math.min(MAX_DEFAULT_ANSWER_WORKERS, Math.max(1, cores - 1));
}

/** A server's own articles by default: a few months of a busy feed, far below what slows a question. */
export const DEFAULT_SERVER_MAX_ARTICLES = 1000;
/** A server's own bytes by default: about 1,000 articles of 20 kB. */
export const DEFAULT_SERVER_MAX_BYTES = 20_000_000;

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((value) => value === "true" || value === "1" || value === "yes");

/** A list of feed addresses, separated by spaces, commas or new lines; each must be http(s). */
const urlList = z
  .string()
  .transform((value) => value.split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/, error: "each feed must be an http(s) address" })));

const schema = z.object({
  CORPUS_DIR: z.string().min(1).default("corpus"),
  INDEX_DIR: z.string().min(1).default("data/index"),
  EMBEDDING_MODEL: z.string().min(1).default(BUNDLED_MODEL_ID),
  EMBEDDING_DTYPE: z.enum(["auto", "fp32", "fp16", "q8", "int8", "uint8", "q4"]).default("auto"),
  EMBEDDING_POOLING: z.enum(["mean", "cls"]).default("mean"),
  EMBEDDING_QUERY_PREFIX: z.string().default(""),
  MODEL_CACHE_DIR: z.string().min(1).default("data/models"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DISCORD_TOKEN: z.string().optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d{17,20}$/, "must be the application's numeric id").optional(),
  DISCORD_GUILD_ID: z.string().regex(/^\d{17,20}$/, "must be the server's numeric id").optional(),
  DISCORD_API_URL: z.url({ protocol: /^https?$/ }).default("https://discord.com/api"),
  ASK_COOLDOWN_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  LOG_QUESTIONS: booleanString.default(false),
  INDEX_POLL_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),
  RANKING: z.enum(["hand", "learned"]).default("hand"),
  /** Worker threads the bot scores questions in (0: in the main thread, beside Discord's traffic). */
  ANSWER_WORKERS: z.coerce.number().int().min(0).max(MAX_ANSWER_WORKERS).default(defaultAnswerWorkers()),
  FEEDS: urlList.default([]),
  FEEDS_POLL_MINUTES: z.coerce.number().min(0).max(10_080).default(0),
  FEED_STATE_FILE: z.string().min(1).default("data/feeds.json"),
  FETCH_ALLOW_PRIVATE_NETWORK: booleanString.default(false),
  FEEDBACK_DIR: z.string().min(1).default("data/feedback"),
  /** Most articles of its own a server may add with /add: a server's share, not the shared corpus. */
  SERVER_MAX_ARTICLES: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_SERVER_MAX_ARTICLES),
  /** Most bytes of article files a server may have of its own (a number of bytes). */
  SERVER_MAX_BYTES: z.coerce.number().int().min(0).max(1e12).default(DEFAULT_SERVER_MAX_BYTES),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// (or postgresql://) connection address" })
    .optional(),
  HNSW_EF_SEARCH: z.coerce.number().int().min(1).max(1000).default(400),
  HNSW_M: z.coerce.number().int().min(2).max(100).default(32),
  HNSW_EF_CONSTRUCTION: z.coerce.number().int().min(4).max(1000).default(200),
  /** With DATABASE_URL: passages up to which each bot process holds the passage vectors (int8) for an exact search; above, the HNSW graph (0: always the graph). */
  VECTOR_SCAN_MAX_PASSAGES: z.coerce.number().int().min(0).max(100_000_000).default(DEFAULT_VECTOR_SCAN_MAX_PASSAGES),
  /** The example question of /help, the console's help, /ask's description and the empty-question note (default: one made from a title of the index). */
  EXAMPLE_QUESTION: z.string().trim().min(1).max(MAX_QUESTION_LENGTH, `must be a question of at most ${MAX_QUESTION_LENGTH} characters`).optional(),
  SHARDS: z
    .union([z.literal("auto"), z.coerce.number().int().min(1).max(1000)], { error: 'must be "auto" or a number of shards (1 runs one process)' })
    .default(1),
});

/** Set in a shard's process by discord.js's ShardingManager: which shards this process runs, of how many. */
export interface ShardProcess {
  ids: number[];
  count: number;
}

/**
 * The shard this process runs, when the sharding manager started it (discord.js passes SHARDS as
 * the shard ids, which is not our SHARDS setting, and SHARD_COUNT).
 */
function shardProcess(env: NodeJS.ProcessEnv): ShardProcess | undefined {
  if (env.SHARDING_MANAGER === undefined) return undefined;
  const ids = JSON.parse(env.SHARDS ?? "0") as number | number[];
  return { ids: Array.isArray(ids) ? ids : [ids], count: Number(env.SHARD_COUNT ?? 1) };
}

/** The names of every configuration variable. */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as (keyof z.output<typeof schema>)[];

/** Validated, frozen configuration: the only place `process.env` is read. */
export type Config = Readonly<z.output<typeof schema> & { SHARD_PROCESS?: ShardProcess }>;

/** Reads `.env` (if present) and the environment once; throws naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { dotenvPath?: string } = {}): Config {
  if (env === process.env) loadDotenv({ path: options.dotenvPath ?? join(PROJECT_ROOT, ".env"), quiet: true });
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const shard = shardProcess(env);
  if (shard) delete present.SHARDS;
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration (see .env.example):\n  ${problems.join("\n  ")}`);
  }
  const value = parsed.data;
  return Object.freeze({
    ...value,
    CORPUS_DIR: resolve(PROJECT_ROOT, value.CORPUS_DIR),
    INDEX_DIR: resolve(PROJECT_ROOT, value.INDEX_DIR),
    MODEL_CACHE_DIR: resolve(PROJECT_ROOT, value.MODEL_CACHE_DIR),
    FEED_STATE_FILE: resolve(PROJECT_ROOT, value.FEED_STATE_FILE),
    FEEDBACK_DIR: resolve(PROJECT_ROOT, value.FEEDBACK_DIR),
    ...(shard ? { SHARD_PROCESS: shard } : {}),
  });
}
