/**
 * The running bot's index rebuilds, one at a time: after the feed poller or an admin's /add has
 * written new articles, the index is brought up to date with the loaded model and served at once.
 * Requests that arrive while a build runs share the next one, so a burst of /add commands costs
 * two builds, not one each.
 */
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { LiveIndex } from "./liveIndex.js";
import { buildConfiguredIndex, logSkipped } from "./open.js";

/** How often a rebuild is tried while another process (an operator's `npm run index`) holds the build lock. */
const LOCKED_RETRIES = 6;
/** The pause between those tries: a small corpus builds in seconds. */
const LOCKED_RETRY_MS = 5_000;

/** The errors of a build refused because another holds the lock (the file store's, PostgreSQL's): worth waiting for. */
const LOCKED_ERRORS = new Set(["BuildLockedError", "DatabaseBuildLockedError"]);

/** What a rebuild did: the build now served, or why there is none. */
export type Rebuilt = { buildId: string; summary: string } | { error: string };

/** Runs the builds of one process, one at a time, each served as soon as it is made. */
export class Rebuilder {
  private running: Promise<Rebuilt> | undefined;
  private next: Promise<Rebuilt> | undefined;

  constructor(
    private readonly config: Config,
    private readonly index: LiveIndex,
    private readonly logger: Logger,
    /** The pause between tries while the lock is held elsewhere (shorter in tests). */
    private readonly retryMs: number = LOCKED_RETRY_MS,
  ) {}

  /** A build that starts after this call (the one running now may have read the corpus already), then served. Never throws. */
  rebuild(reason: string): Promise<Rebuilt> {
    if (!this.running) {
      this.running = this.buildOnce(reason).finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running.then(() => {
      this.next = undefined;
      return this.rebuild(reason);
    });
    return this.next;
  }

  private async buildOnce(reason: string): Promise<Rebuilt> {
    // The builder loads with the first rebuild: a bot that never adds articles never loads it.
    const { summarize } = await import("../index/build.js");
    for (let attempt = 1; ; attempt++) {
      try {
        const built = await buildConfiguredIndex(this.config, { embedder: this.index.current.embedder });
        logSkipped(this.logger, built);
        this.logger.info({ buildId: built.buildId, reason }, `rebuilt the index: ${summarize(built)}`);
        await this.index.check();
        return { buildId: built.buildId, summary: summarize(built) };
      } catch (error) {
        if (LOCKED_ERRORS.has((error as Error).name) && attempt < LOCKED_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, this.retryMs));
          continue;
        }
        this.logger.error({ err: error, reason }, "rebuilding the index failed; the index in use is unchanged");
        return { error: (error as Error).message };
      }
    }
  }
}

/** One Rebuilder per served index, so that the bot's /add and the feed poller never build at once in one process. */
const rebuilders = new WeakMap<LiveIndex, Rebuilder>();

/** The Rebuilder of `index`, made on first use. */
export function rebuilderFor(config: Config, index: LiveIndex, logger: Logger): Rebuilder {
  let rebuilder = rebuilders.get(index);
  if (!rebuilder) rebuilders.set(index, (rebuilder = new Rebuilder(config, index, logger)));
  return rebuilder;
}
