/**
 * `npm start`: loads the model and the index, answers a warm-up question, then logs in to Discord.
 * Without DISCORD_TOKEN it offers a local console on a terminal, and exits 1 otherwise.
 * SIGINT / SIGTERM finish the interactions in flight, log out and exit 0. With HEALTH_PORT set,
 * GET /healthz says whether it is serving (app/healthServer.ts).
 */
import { exampleFor } from "../app/answers.js";
import { FeedbackStore } from "../app/feedback.js";
import { FeedPoller } from "../app/feedPoller.js";
import { indexHealth, type DiscordConnection } from "../app/health.js";
import { HealthServer } from "../app/healthServer.js";
import { LiveIndex } from "../app/liveIndex.js";
import { configuredWatcher, openRetriever, WARM_UP_QUESTION } from "../app/open.js";
import { ScoringPool } from "../app/scoringPool.js";
import { loadConfig, type Config } from "../config.js";
import { createLogger, type Logger } from "../log.js";
import { consoleHelp, CONSOLE_INTRO } from "../reply/wording.js";
import { terminalSafe } from "../reply/terminal.js";
import { runConsole } from "./console.js";
import { ConsoleLog } from "./consoleLog.js";
import { createProgress } from "./progress.js";
import { runCli } from "./run.js";
import { fileURLToPath } from "node:url";
import type { ShardFleet, ShardReport } from "../bot/shards.js";
import { parseCommand, usageText } from "./usage.js";

const USAGE = usageText({
  name: "start",
  npm: "npm start --",
  forms: [["", "run the bot on Discord (DISCORD_TOKEN in .env); without a token, on a terminal,\na local console that answers like the bot does"]],
});

const NO_TOKEN = "DISCORD_TOKEN is not set, so the bot cannot log in to Discord. Put the bot token in .env (see .env.example and the README) and run `npm start` again.";

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {}, USAGE);
  if (typeof parsed === "number") return parsed;
  const config = loadConfig();
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  if (!config.DISCORD_TOKEN && !interactive) {
    process.stderr.write(`${NO_TOKEN}\n`);
    return 1;
  }
  // The local console shares the terminal with the log: readable lines, printed between its turns.
  const consoleLog = config.DISCORD_TOKEN ? undefined : new ConsoleLog(process.stderr);
  const logger = createLogger(config.LOG_LEVEL, consoleLog);
  if (config.DISCORD_TOKEN && config.SHARDS !== 1 && !config.SHARD_PROCESS) return runShards(config, logger);
  // The health check answers from the start: 503 while loading and connecting, 200 once serving.
  const health: Health = { discord: () => (config.DISCORD_TOKEN ? "connecting" : "not used"), stopping: false };
  // A shard's health is the sharding manager's to report (one HEALTH_PORT for them all).
  const healthServer = config.HEALTH_PORT === undefined || config.SHARD_PROCESS ? undefined : new HealthServer(config.HEALTH_HOST, config.HEALTH_PORT, () => ({ index: health.index && indexHealth(health.index.source), discord: health.discord(), stopping: health.stopping, uptimeSeconds: process.uptime() }), logger);
  await healthServer?.start();
  try {
    return await serve(config, logger, consoleLog, health);
  } finally {
    await healthServer?.stop();
    if (config.DATABASE_URL) await (await import("../index/postgres/database.js")).closePools();
    // A shard's channel to the sharding manager would keep the process alive: let it go.
    if (config.SHARD_PROCESS && process.connected) process.disconnect();
  }
}

/** The sharding manager: starts the shards, answers the health check for them, stops them on SIGINT / SIGTERM. */
async function runShards(config: Config, logger: Logger): Promise<number> {
  const { startShards, stopShards } = await import("../bot/shards.js");
  let fleet: ShardFleet | undefined;
  let stopping = false;
  const healthServer = config.HEALTH_PORT === undefined ? undefined : new HealthServer(config.HEALTH_HOST, config.HEALTH_PORT, () => fleet?.health() ?? { discord: "connecting", stopping, uptimeSeconds: process.uptime() }, logger);
  await healthServer?.start();
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  try {
    fleet = await Promise.race([startShards(config, fileURLToPath(import.meta.url), logger), stopped.then(() => undefined)]);
    const signal = await stopped;
    stopping = true;
    logger.info({ signal }, "stopping the shards");
    return 0;
  } finally {
    if (fleet) await stopShards(fleet);
    await healthServer?.stop();
  }
}

/** What the health check reads, filled in as the program starts and stops. */
interface Health {
  index?: LiveIndex;
  discord: () => DiscordConnection;
  stopping: boolean;
}

/** Loads the model and index, then runs the bot (or the local console) until it is stopped. */
async function serve(config: Config, logger: Logger, consoleLog: ConsoleLog | undefined, health: Health): Promise<number> {
  const started = performance.now();
  const retriever = await openRetriever(config, logger, { progress: createProgress() });
  // On Discord, questions are scored in worker threads, which load the build while this thread
  // checks it; until one is ready, this thread scores (the local console always does).
  const pool = config.DISCORD_TOKEN && config.ANSWER_WORKERS > 0 ? ScoringPool.start(config, retriever.source.buildId, logger) : undefined;
  // A bot runs for weeks: check all of the article text now rather than each article on first use.
  await retriever.source.verify();
  // The first question pays for lazy work (ONNX session, caches): pay it now, not on a user's /ask.
  await retriever.warmUp();
  await retriever.ask(WARM_UP_QUESTION);
  const feedback = await FeedbackStore.open(config.FEEDBACK_DIR, logger);
  const index = new LiveIndex(retriever, await configuredWatcher(config), logger, pool);
  await index.watch(config.INDEX_POLL_SECONDS);
  // One process pulls the feeds: the first shard's, when the bot runs as shards.
  const feeds = new FeedPoller(config, index, logger);
  if (!config.SHARD_PROCESS || config.SHARD_PROCESS.ids.includes(0)) feeds.start();
  if (config.SHARD_PROCESS) reportToManager(index);
  if (feeds.enabled) logger.info({ feeds: config.FEEDS.length, minutes: config.FEEDS_POLL_MINUTES }, "pulling the feeds on a timer");
  const { manifest } = retriever.source;
  logger.info({ buildId: retriever.source.buildId, articles: manifest.counts.articles, passages: manifest.counts.passages, model: manifest.model.id, ms: Math.round(performance.now() - started) }, "model and index loaded");

  if (!config.DISCORD_TOKEN) {
    health.index = index;
    process.stdout.write(`${NO_TOKEN}\n\n${CONSOLE_INTRO}\n${terminalSafe(consoleHelp(exampleFor(config.EXAMPLE_QUESTION, index.source)))}\n\n`);
    await runConsole(index, process.stdin, process.stdout, { logs: consoleLog, feedback, exampleQuestion: config.EXAMPLE_QUESTION });
    await feeds.stop();
    await index.close();
    return 0;
  }

  // discord.js takes half a second to load: only for the bot on Discord, never for the local console.
  const { VerbatimBot } = await import("../bot/bot.js");
  const bot = new VerbatimBot(config, index, logger, feedback, pool?.score);
  health.index = index;
  health.discord = () => bot.connection;
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (health.stopping) return;
      health.stopping = true;
      logger.info({ signal }, "stopping");
      bot.stop().then(resolve, (error: unknown) => {
        logger.error({ err: error }, "error while stopping");
        resolve();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  try {
    await bot.start();
  } catch (error) {
    await bot.client.destroy();
    await feeds.stop();
    await index.close();
    await pool?.close();
    if ((error as { code?: string }).code === "TokenInvalid") throw new Error("Discord rejected DISCORD_TOKEN. Copy the token again from the developer portal (Bot → Reset Token) into .env.");
    throw error;
  }
  await stopped;
  await feeds.stop();
  await index.close();
  await pool?.close();
  return 0;
}

/** In a shard's process: tells the sharding manager which index it serves, now and every few seconds (for its health check). */
function reportToManager(index: LiveIndex): void {
  const report = () => {
    const message: ShardReport = { verbatimIndex: indexHealth(index.source) };
    process.send?.(message);
  };
  report();
  setInterval(report, 5_000).unref();
}

runCli(main);
