/**
 * The index being served, swapped for a rebuilt one while the bot runs: within INDEX_POLL_SECONDS
 * of `npm run index` switching the pointer, the new build is loaded, checked and served; a build
 * that cannot be loaded is refused (logged) and the previous one keeps serving.
 */
import { readPointer } from "../index/layout.js";
import { loadIndex, verifyBodies, type IndexSnapshot } from "../index/snapshot.js";
import type { Logger } from "../log.js";
import type { Retriever } from "../retrieval/retriever.js";
import { retrieverFor } from "./open.js";

/** The retriever in use, replaced when `npm run index` switches the index to a new build. */
export class LiveIndex {
  private retriever: Retriever;
  private timer: NodeJS.Timeout | undefined;
  /** A build that failed to load: not retried until the pointer moves on. */
  private refused: string | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    retriever: Retriever,
    private readonly indexDir: string,
    private readonly logger: Logger,
  ) {
    this.retriever = retriever;
  }

  /** The retriever answering questions now. */
  get current(): Retriever {
    return this.retriever;
  }

  /** The index being served. */
  get snapshot(): IndexSnapshot {
    return this.retriever.snapshot;
  }

  /** Checks for a new build every `seconds`. */
  watch(seconds: number): void {
    this.timer = setInterval(() => void this.check(), seconds * 1000);
    this.timer.unref();
  }

  /** Stops watching. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Loads the build the index pointer names, if it is new; a broken one is refused and logged. */
  check(): Promise<void> {
    this.checking ??= this.reload().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async reload(): Promise<void> {
    let pointer: string | undefined;
    try {
      pointer = await readPointer(this.indexDir);
    } catch (error) {
      this.logger.warn({ err: error }, "cannot read the index pointer; still serving the loaded index");
      return;
    }
    if (pointer === undefined || pointer === this.snapshot.buildId || pointer === this.refused) return;
    try {
      const snapshot = await loadIndex(this.indexDir);
      await verifyBodies(snapshot);
      const previous = this.snapshot.buildId;
      const retriever = retrieverFor(snapshot, this.retriever);
      retriever.warmUp();
      this.retriever = retriever;
      this.refused = undefined;
      this.logger.info({ buildId: snapshot.buildId, previous, articles: snapshot.manifest.counts.articles, passages: snapshot.manifest.counts.passages }, "serving the new index");
    } catch (error) {
      this.refused = pointer;
      this.logger.error({ err: error, buildId: pointer, serving: this.snapshot.buildId }, "the new index cannot be loaded; still serving the previous one (run `npm run index` to repair it)");
    }
  }
}
