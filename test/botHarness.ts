/** Runs the bot in this process against the fake Discord, with its log lines collected. */
import { spawn, type ChildProcess } from "node:child_process";
import { Writable } from "node:stream";
import { PROJECT_ROOT } from "../src/config.js";
import { configuredWatcher, openRetriever } from "../src/app/open.js";
import { VerbatimBot } from "../src/bot/bot.js";
import { FeedbackStore } from "../src/app/feedback.js";
import { LiveIndex } from "../src/app/liveIndex.js";
import { ScoringPool } from "../src/app/scoringPool.js";
import { createLogger } from "../src/log.js";
import type { FakeDiscord, RecordedRequest } from "./fakeDiscord.js";
import { testConfig } from "./helpers.js";

/** A token shaped like a real one; tests check it never reaches a log line. */
export const FAKE_TOKEN = "MTExMTExMTExMTExMTExMTEx.GxYzAb.fake-token-secret-0123456789abcdefghij";

export interface RunningBot {
  bot: VerbatimBot;
  index: LiveIndex;
  feedback: FeedbackStore;
  /** The scoring workers (none with ANSWER_WORKERS=0). */
  pool: ScoringPool | undefined;
  logs: string[];
  stop(): Promise<void>;
}

/** Starts a bot on the given corpus and index against `fake`, and waits until it is ready. */
export async function startBot(fake: FakeDiscord, env: Record<string, string>): Promise<RunningBot> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const config = testConfig({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_URL: fake.apiUrl, ASK_COOLDOWN_SECONDS: "0", ...env, LOG_LEVEL: "info" });
  const logger = createLogger("info", sink);
  const retriever = await openRetriever(config, logger);
  // As `npm start` does: scoring workers on the build served, and the configured store's builds
  // watched (the pointer file, or the database), each loaded by the workers before it is served.
  const pool = config.ANSWER_WORKERS > 0 ? ScoringPool.start(config, retriever.source.buildId, logger) : undefined;
  const index = new LiveIndex(retriever, await configuredWatcher(config), logger, pool);
  await index.watch(config.INDEX_POLL_SECONDS);
  const feedback = await FeedbackStore.open(config.FEEDBACK_DIR, logger);
  const bot = new VerbatimBot(config, index, logger, feedback, pool?.score);
  const before = fake.identifies.length;
  await bot.start();
  while (fake.identifies.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    bot,
    index,
    feedback,
    pool,
    logs,
    stop: async () => {
      await index.close();
      await bot.stop();
      await pool?.close();
    },
  };
}

/** A bot started as `npm start`'s own process: its output so far (stdout and stderr), and its exit code. */
export interface BotProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Spawns `npm start`'s entry point against `fake` with `env`; the caller kills it after the test. */
export function startBotProcess(fake: FakeDiscord, env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: "info", DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_URL: fake.apiUrl, ASK_COOLDOWN_SECONDS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += String(chunk)));
  child.stderr!.on("data", (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The interaction's final message: the last PATCH of @original (or a follow-up). */
export async function finalReply(fake: FakeDiscord, token: string): Promise<RecordedRequest> {
  return fake.waitFor((r) => r.path.includes(`/${token}`) && (r.method === "PATCH" || (r.method === "POST" && r.path.startsWith("/webhooks/"))));
}

/** The interaction's callback (defer, reply or update). */
export async function callback(fake: FakeDiscord, token: string): Promise<RecordedRequest> {
  return fake.waitFor((r) => r.method === "POST" && r.path.endsWith(`/${token}/callback`));
}
