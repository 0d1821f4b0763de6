/**
 * The running bot's feed reader: every FEEDS_POLL_MINUTES it pulls the feeds FEEDS lists (as
 * `npm run add` does), and when that added articles, rebuilds the index with the loaded model
 * and switches to it at once, so a new article is answerable within one poll.
 */
import { buildConfiguredIndex, logSkipped } from "./open.js";
import type { Config } from "../config.js";
import type { AddReport } from "../corpus/addArticles.js";
import type { Logger } from "../log.js";
import type { LiveIndex } from "./liveIndex.js";

/**
 * How long one pull may take once it holds the feeds' lock. Each request is capped at 30 s and a
 * feed lists up to 50 items, so without a deadline a feed of slow pages could hold the lock (and
 * keep an operator's `npm run add` waiting) for many minutes; what is not fetched in time is
 * left for the next pull, and logged.
 */
export const FEED_PULL_DEADLINE_MS = 2 * 60_000;

/** Pulls the configured feeds on a timer; one pull at a time. */
export class FeedPoller {
  private timer: NodeJS.Timeout | undefined;
  private pulling: Promise<AddReport | undefined> | undefined;

  constructor(
    private readonly config: Config,
    private readonly index: LiveIndex,
    private readonly logger: Logger,
    /** How long a pull may take (FEED_PULL_DEADLINE_MS; shorter in tests). */
    private readonly deadlineMs: number = FEED_PULL_DEADLINE_MS,
  ) {}

  /** Whether there is anything to poll. */
  get enabled(): boolean {
    return this.config.FEEDS.length > 0 && this.config.FEEDS_POLL_MINUTES > 0;
  }

  /** Pulls now, then every FEEDS_POLL_MINUTES. */
  start(): void {
    if (!this.enabled) return;
    void this.pull();
    this.timer = setInterval(() => void this.pull(), this.config.FEEDS_POLL_MINUTES * 60_000);
    this.timer.unref();
  }

  /** Stops polling (a pull under way finishes). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.pulling;
  }

  /** One pull: adds the feeds' new items and, if any, rebuilds the index and serves it. Never throws. */
  pull(): Promise<AddReport | undefined> {
    this.pulling ??= this.pullOnce().finally(() => {
      this.pulling = undefined;
    });
    return this.pulling;
  }

  private async pullOnce(): Promise<AddReport | undefined> {
    const { config, logger } = this;
    try {
      // Fetching, feed parsing and the builder load with the first pull: a bot without FEEDS never loads them.
      const [{ addArticles, describeAdd }, { summarize }] = await Promise.all([import("../corpus/addArticles.js"), import("../index/build.js")]);
      const report = await addArticles(config.FEEDS, { corpusDir: config.CORPUS_DIR, stateFile: config.FEED_STATE_FILE, allowPrivateNetwork: config.FETCH_ALLOW_PRIVATE_NETWORK, deadlineMs: this.deadlineMs });
      for (const line of describeAdd(report)) (/^\s*failed |left for the next pull/.test(line) ? logger.warn.bind(logger) : logger.info.bind(logger))({ feeds: config.FEEDS.length }, line);
      if (report.added.length === 0) return report;
      const built = await buildConfiguredIndex(config, { embedder: this.index.current.embedder });
      logSkipped(logger, built);
      logger.info({ buildId: built.buildId, added: report.added.length }, `feeds: ${summarize(built)}`);
      await this.index.check();
      return report;
    } catch (error) {
      logger.error({ err: error }, "pulling the feeds failed; the index in use is unchanged (next try at the next poll)");
      return undefined;
    }
  }
}
