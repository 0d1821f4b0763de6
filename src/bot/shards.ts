/**
 * `npm start` with SHARDS=auto|N: the bot as discord.js shards (its ShardingManager), one process
 * each, which Discord requires past 2,500 servers. This process only spawns, watches and stops
 * them, and answers the health check for all of them; each shard loads the model and opens the
 * index itself. With the PostgreSQL store (DATABASE_URL) every shard reads the one shared index,
 * so a shard's memory does not grow with the corpus; with the file store each shard loads a copy.
 */
import { Routes, type RESTGetAPIGatewayBotResult } from "discord-api-types/v10";
import { REST, ShardingManager, type Shard } from "discord.js";
import type { Config } from "../config.js";
import type { HealthInputs } from "../app/health.js";
import type { Logger } from "../log.js";

/** Servers per shard when SHARDS=auto: Discord's recommendation is for at most 2,500; it answers with a count for ~1,000. */
export const GUILDS_PER_SHARD = 1_000;
/** Between two shards' logins: Discord lets one identify per 5 seconds (max_concurrency 1). */
const SPAWN_DELAY_MS = 5_500;
/** How long a shard may take to load and log in before it counts as failed. */
const SPAWN_TIMEOUT_MS = 180_000;

/** What a shard process tells the manager about itself (over the process channel). */
export interface ShardReport {
  verbatimIndex: NonNullable<HealthInputs["index"]>;
}

function isShardReport(message: unknown): message is ShardReport {
  return typeof message === "object" && message !== null && "verbatimIndex" in message;
}

/** How many shards Discord recommends for the bot, asked at DISCORD_API_URL. */
export async function recommendedShards(config: Config): Promise<number> {
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN!);
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return Math.max(1, gateway.shards);
}

/** The shards' state as the health check reads it. */
export class ShardFleet {
  private readonly ready = new Set<number>();
  private readonly alive = new Set<number>();
  private index: ShardReport["verbatimIndex"] | undefined;
  stopping = false;

  constructor(readonly manager: ShardingManager) {}

  watch(shard: Shard, logger: Logger): void {
    this.alive.add(shard.id);
    shard.on("ready", () => {
      this.ready.add(shard.id);
      logger.info({ shard: shard.id }, "shard connected to Discord");
    });
    shard.on("disconnect", () => this.ready.delete(shard.id));
    shard.on("reconnecting", () => this.ready.delete(shard.id));
    shard.on("spawn", () => this.alive.add(shard.id));
    shard.on("death", (child) => {
      this.ready.delete(shard.id);
      this.alive.delete(shard.id);
      const code = "exitCode" in child ? child.exitCode : undefined;
      if (!this.stopping) logger.error({ shard: shard.id, exitCode: code }, "a shard's process ended; the manager starts it again");
    });
    shard.on("message", (message: unknown) => {
      if (isShardReport(message)) this.index = message.verbatimIndex;
    });
  }

  health(): HealthInputs {
    const total = this.manager.totalShards === "auto" ? 0 : this.manager.totalShards;
    const discord = this.ready.size === total && total > 0 ? "connected" : this.alive.size < total && this.ready.size > 0 ? "disconnected" : "connecting";
    return { index: this.index, discord, stopping: this.stopping, uptimeSeconds: process.uptime() };
  }
}

/**
 * Starts the shards of the bot (`entry` is the program each runs, with this process's loader
 * flags) and resolves once every one is connected; restarts one whose process ends.
 */
export async function startShards(config: Config, entry: string, logger: Logger): Promise<ShardFleet> {
  const totalShards = config.SHARDS === "auto" ? Math.ceil((await recommendedShards(config)) * (1_000 / GUILDS_PER_SHARD)) : config.SHARDS;
  const manager = new ShardingManager(entry, { totalShards, token: config.DISCORD_TOKEN, mode: "process", respawn: true, execArgv: process.execArgv });
  const fleet = new ShardFleet(manager);
  manager.on("shardCreate", (shard) => {
    logger.info({ shard: shard.id, of: totalShards }, "starting a shard");
    fleet.watch(shard, logger);
  });
  logger.info({ shards: totalShards, store: config.DATABASE_URL ? "postgres" : "files" }, "running the bot as shards");
  if (!config.DATABASE_URL && totalShards > 1) logger.warn({ shards: totalShards }, "each shard loads its own copy of the file index: set DATABASE_URL to share one PostgreSQL index between them");
  await manager.spawn({ amount: totalShards, delay: SPAWN_DELAY_MS, timeout: SPAWN_TIMEOUT_MS });
  return fleet;
}

/** Stops every shard (each finishes its interactions in flight on SIGTERM) and waits for them to exit. */
export async function stopShards(fleet: ShardFleet): Promise<void> {
  fleet.stopping = true;
  fleet.manager.respawn = false;
  const exits = [...fleet.manager.shards.values()].map((shard) => {
    const child = shard.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    shard.kill(); // SIGTERM, without the restart a shard's death otherwise brings
    return exited;
  });
  await Promise.all(exits);
}
