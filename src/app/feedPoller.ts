/**
 * The running bot's feed reader: every FEEDS_POLL_MINUTES it pulls the feeds FEEDS lists (as
 * `npm run add` does) into the shared corpus, and each server's own feeds (added with /add) into
 * that server's folder within its quota; when that added articles, rebuilds the index with the
 * loaded model and switches to it at once, so a new article is answerable within one poll.
 */
import type { Config } from "../config.js";
import type { AddReport } from "../corpus/addArticles.js";
import type { Logger } from "../log.js";
import type { LiveIndex } from "./liveIndex.js";
import { rebuilderFor } from "./rebuild.js";
import { configuredServerArticles, QuotaReachedError } from "./serverArticles.js";
import { SERVERS_FOLDER } from "../corpus/servers.js";

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

  /** Whether feeds are polled at all: the servers' own feeds are added from Discord while the bot runs, so a poll interval is enough. */
  get enabled(): boolean {
    return this.config.FEEDS_POLL_MINUTES > 0;
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

  /** One pull: adds the feeds' new items (FEEDS', then each server's) and, if any, rebuilds the index and serves it. Never throws. */
  pull(): Promise<AddReport | undefined> {
    this.pulling ??= this.pullOnce().finally(() => {
      this.pulling = undefined;
    });
    return this.pulling;
  }

  private async pullOnce(): Promise<AddReport | undefined> {
    const { config, logger } = this;
    try {
      // Fetching, feed parsing and the builder load with the first pull: a bot without feeds never loads them.
      const { addArticles, describeAdd } = await import("../corpus/addArticles.js");
      const log = (line: string, fields: object) => (/^\s*failed |left for the next pull/.test(line) ? logger.warn.bind(logger) : logger.info.bind(logger))(fields, line);
      const report: AddReport = { outcomes: [], added: [], failures: 0, deferred: 0 };
      if (config.FEEDS.length > 0) {
        const shared = await addArticles(config.FEEDS, { corpusDir: config.CORPUS_DIR, stateFile: config.FEED_STATE_FILE, allowPrivateNetwork: config.FETCH_ALLOW_PRIVATE_NETWORK, deadlineMs: this.deadlineMs });
        for (const line of describeAdd(shared)) log(line, { feeds: config.FEEDS.length });
        merge(report, shared);
      }
      const servers = configuredServerArticles(config, this.deadlineMs);
      for (const guild of await servers.serversWithFeeds()) {
        const feeds = (await servers.feeds(guild)).map((feed) => feed.url);
        try {
          const result = await servers.add(guild, feeds);
          for (const line of describeAdd(result.report)) log(line, { guild, feeds: feeds.length });
          if (result.overQuota) logger.info({ guild, notKept: result.overQuota.files.length }, `a server's feeds: ${result.overQuota.problem}`);
          // The poll's report names files from the corpus folder, as FEEDS' do.
          const folder = `${SERVERS_FOLDER}/${guild}/`;
          merge(report, { ...result.report, added: result.report.added.map((file) => folder + file) });
        } catch (error) {
          if (!(error instanceof QuotaReachedError)) throw error;
          logger.info({ guild }, `a server's feeds are not pulled: ${error.problem}`);
        }
      }
      if (report.added.length === 0) return report;
      const built = await rebuilderFor(config, this.index, logger).rebuild("feeds");
      if ("error" in built) logger.warn({ added: report.added.length }, "feeds: the new articles are saved; they become answerable after the next successful build");
      return report;
    } catch (error) {
      logger.error({ err: error }, "pulling the feeds failed; the index in use is unchanged (next try at the next poll)");
      return undefined;
    }
  }
}

/** Adds one pull's report to the poll's. */
function merge(into: AddReport, report: AddReport): void {
  into.outcomes.push(...report.outcomes);
  into.added.push(...report.added);
  into.failures += report.failures;
  into.deferred += report.deferred;
}
