/**
 * The index being served, swapped for a rebuilt one while the bot runs. The file store is polled:
 * within INDEX_POLL_SECONDS of `npm run index` switching the pointer, the new build is loaded,
 * checked and served. The PostgreSQL store announces each build (LISTEN/NOTIFY), so every process
 * sharing the database loads it at once; it is polled too, for a notification missed while a
 * connection was down. A build that cannot be loaded is refused (logged) and the previous one keeps serving.
 * With scoring workers (a BuildFollower), each loads the new build before this thread serves it, so
 * a question is always scored on the build its reply is formatted from.
 */
import type { IndexSource } from "../index/source.js";
import type { Logger } from "../log.js";
import type { Retriever } from "../retrieval/retriever.js";
import { retrieverFor } from "./open.js";
import { fileWatcher, type IndexWatcher } from "./watchers.js";

/** Something that must hold a build before the live index serves it: the scoring workers. */
export interface BuildFollower {
  /** Loads `buildId` beside the build served now; resolves once it can answer from it (or has given up). */
  prepare(buildId: string): Promise<void>;
  /** `buildId` is served now: any other build held may go. */
  serving(buildId: string): void;
}

/** The retriever in use, replaced when `npm run index` makes a new build current. */
export class LiveIndex {
  private retriever: Retriever;
  private timer: NodeJS.Timeout | undefined;
  /** A build that failed to load: not retried until another one is current. */
  private refused: string | undefined;
  private checking: Promise<void> | undefined;
  private readonly watcher: IndexWatcher;

  constructor(
    retriever: Retriever,
    /** The index folder (file store), or a watcher of another store. */
    where: string | IndexWatcher,
    private readonly logger: Logger,
    /** Scoring workers, which load each new build first; with them this thread's copy is not warmed up (it scores only when no worker can). */
    private readonly follower?: BuildFollower,
  ) {
    this.retriever = retriever;
    this.watcher = typeof where === "string" ? fileWatcher(where) : where;
  }

  /** The retriever answering questions now. */
  get current(): Retriever {
    return this.retriever;
  }

  /** The index being served. */
  get source(): IndexSource {
    return this.retriever.source;
  }

  /** Checks for a new build every `seconds`, and at once when the store announces one. */
  async watch(seconds: number): Promise<void> {
    this.timer = setInterval(() => void this.check(), seconds * 1000);
    this.timer.unref();
    await this.watcher.listen?.(() => void this.check(), this.logger);
  }

  /** Stops watching. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.watcher.close();
  }

  /** Loads the current build, if it is new; a broken one is refused and logged. */
  check(): Promise<void> {
    this.checking ??= this.reload().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async reload(): Promise<void> {
    let pointer: string | undefined;
    try {
      pointer = await this.watcher.current();
    } catch (error) {
      this.logger.warn({ err: error }, "cannot read which index is current; still serving the loaded index");
      return;
    }
    if (pointer === undefined || pointer === this.source.buildId || pointer === this.refused) return;
    try {
      const source = await this.watcher.load();
      const previous = this.source.buildId;
      const retriever = retrieverFor(source, this.retriever);
      if (this.follower) await this.follower.prepare(source.buildId);
      else await retriever.warmUp();
      this.retriever = retriever;
      this.follower?.serving(source.buildId);
      this.refused = undefined;
      this.logger.info({ buildId: source.buildId, previous, articles: source.manifest.counts.articles, passages: source.manifest.counts.passages }, "serving the new index");
    } catch (error) {
      this.refused = pointer;
      this.logger.error({ err: error, buildId: pointer, serving: this.source.buildId }, "the new index cannot be loaded; still serving the previous one (run `npm run index` to repair it)");
    }
  }
}
