/**
 * Where the builds a LiveIndex serves come from: what every store's watcher offers, and the file
 * store's (the PostgreSQL store's is databaseWatcher.ts, which loads pg).
 */
import { buildPath, readPointer } from "../index/layout.js";
import { loadBuild, loadIndex } from "../index/snapshot.js";
import { FileSource, type IndexSource } from "../index/source.js";
import type { Logger } from "../log.js";

/** Where the builds come from: which one is current, how to load it, and (optionally) news of a new one. */
export interface IndexWatcher {
  /** The current build's id, or undefined when there is none. */
  current(): Promise<string | undefined>;
  /** Loads and fully checks the current build. */
  load(): Promise<IndexSource>;
  /**
   * Loads the build named `buildId`, current or not, checking each file it reads but not all the
   * article text: for a scoring worker, told to serve a build its main thread has checked whole.
   */
  loadNamed(buildId: string): Promise<IndexSource>;
  /** Calls `changed` whenever a new build may be current; resolves once listening. */
  listen?(changed: () => void, logger: Logger): Promise<void>;
  close(): Promise<void>;
}

/** The file store's builds: the pointer file in the index folder. */
export function fileWatcher(indexDir: string): IndexWatcher {
  return {
    current: () => readPointer(indexDir),
    load: async () => {
      const source = new FileSource(await loadIndex(indexDir));
      await source.verify();
      return source;
    },
    loadNamed: async (buildId) => new FileSource(await loadBuild(buildPath(indexDir, buildId), buildId)),
    close: async () => undefined,
  };
}
