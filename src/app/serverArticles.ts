/**
 * Each Discord server's own articles, as its admins manage them from Discord: /add fetches a page
 * or a feed's items into `servers/<guild id>/` of the corpus (the same safe fetching as
 * `npm run add`), within the server's quota, and remembers a feed so that the feed poller pulls it
 * again; /feeds lists and removes those feeds. A server's feeds and their conditional-request
 * state are kept outside the corpus, in `<data>/servers/<guild id>/`, so nothing there is indexed.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Config } from "../config.js";
import type { AddOutcome, AddReport } from "../corpus/addArticles.js";
import { quotaProblem, serverUsage, type ServerUsage } from "../corpus/servers.js";
import { GUILD_ID, SERVERS_FOLDER } from "../retrieval/scope.js";

/** Feeds a server may have: each is fetched at every poll, so their number bounds a poll's work. */
export const MAX_FEEDS_PER_SERVER = 20;

/** How much of its own a server may have. */
export interface ServerLimits {
  maxArticles: number;
  maxBytes: number;
}

/** Where a server's articles go and how they are fetched. */
export interface ServerArticlesOptions {
  corpusDir: string;
  /** The folder holding each server's feed list and feed state (`<guild id>/feeds.json`, `<guild id>/feed-state.json`). */
  dataDir: string;
  allowPrivateNetwork: boolean;
  limits: ServerLimits;
  /** How long one add may fetch for (FEED_PULL_DEADLINE_MS; shorter in tests). */
  deadlineMs?: number;
}

/** A feed a server pulls. */
export interface ServerFeed {
  url: string;
  title: string;
  /** When it was added (ISO time). */
  added: string;
}

/** What an /add (or one server's pull) did. */
export interface ServerAddResult {
  /** Each address's outcome, as `npm run add` reports it, after the quota. */
  report: AddReport;
  /** Articles fetched but not kept because the server's quota was reached, and why. */
  overQuota: { files: string[]; problem: string } | undefined;
  /** The feed this address is, now in the server's feed list; undefined for a page. */
  feed: ServerFeed | undefined;
  /** Whether the feed list was already full, so the feed is not pulled again. */
  feedListFull: boolean;
  usage: ServerUsage;
}

/** The servers' articles as the configuration places and limits them: their feeds beside FEED_STATE_FILE (data/servers/<guild id>/ by default), outside the corpus. */
export function configuredServerArticles(config: Config, deadlineMs?: number): ServerArticles {
  return new ServerArticles({
    corpusDir: config.CORPUS_DIR,
    dataDir: join(dirname(config.FEED_STATE_FILE), "servers"),
    allowPrivateNetwork: config.FETCH_ALLOW_PRIVATE_NETWORK,
    limits: { maxArticles: config.SERVER_MAX_ARTICLES, maxBytes: config.SERVER_MAX_BYTES },
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
  });
}

/** The server's quota is reached already: nothing is fetched. */
export class QuotaReachedError extends Error {
  constructor(
    readonly problem: string,
    readonly usage: ServerUsage,
  ) {
    super(problem);
    this.name = "QuotaReachedError";
  }
}

/** Writes a file whole or not at all. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${process.pid}-${Date.now()}.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** The servers' own articles and feeds. */
export class ServerArticles {
  /** One change of a server's feed list at a time (two admins at once must not lose one's feed). */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ServerArticlesOptions) {}

  /** The server's folder in the corpus. */
  corpusFolder(guildId: string): string {
    return join(this.options.corpusDir, SERVERS_FOLDER, checkedGuild(guildId));
  }

  /** How much the server has now. */
  usage(guildId: string): Promise<ServerUsage> {
    return serverUsage(this.options.corpusDir, checkedGuild(guildId));
  }

  /** The server's quota. */
  get limits(): ServerLimits {
    return this.options.limits;
  }

  /**
   * Fetches `urls` (pages or feeds) into the server's folder, keeping what fits its quota (the
   * files past it are removed before any build can read them), and remembers each feed.
   * Throws QuotaReachedError when the server has no room for one more article.
   */
  async add(guildId: string, urls: readonly string[]): Promise<ServerAddResult> {
    const before = await this.usage(guildId);
    const full = quotaProblem(before, 0, this.options.limits);
    if (full) throw new QuotaReachedError(full, before);
    const { addArticles } = await import("../corpus/addArticles.js");
    const report = await addArticles(urls, {
      corpusDir: this.corpusFolder(guildId),
      stateFile: this.stateFile(guildId),
      allowPrivateNetwork: this.options.allowPrivateNetwork,
      ...(this.options.deadlineMs === undefined ? {} : { deadlineMs: this.options.deadlineMs }),
    });
    const overQuota = await this.keepWithinQuota(guildId, before, report);
    let feed: ServerFeed | undefined;
    let feedListFull = false;
    const feedOutcome = report.outcomes.find((o): o is Extract<AddOutcome, { kind: "feed" }> => "kind" in o && o.kind === "feed");
    if (feedOutcome) {
      const remembered = await this.rememberFeed(guildId, feedOutcome.url, feedOutcome.status === "checked" ? feedOutcome.title : "");
      feed = remembered.feed;
      feedListFull = remembered.full;
    }
    return { report, overQuota, feed, feedListFull, usage: await this.usage(guildId) };
  }

  /** The server's feeds, in the order they were added. */
  async feeds(guildId: string): Promise<ServerFeed[]> {
    try {
      const data = JSON.parse(await readFile(this.feedsFile(guildId), "utf8")) as { feeds?: ServerFeed[] };
      return Array.isArray(data.feeds) ? data.feeds.filter((feed) => typeof feed?.url === "string") : [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new Error(`Cannot read ${this.feedsFile(guildId)}: check that the bot may read it (a damaged file can be deleted; the server's admins then add their feeds again).`, { cause: error });
    }
  }

  /** Removes a feed from the server's list (its articles stay); whether it was there. */
  removeFeed(guildId: string, url: string): Promise<boolean> {
    return this.changeFeeds(guildId, (feeds) => {
      const kept = feeds.filter((feed) => feed.url !== url);
      return { feeds: kept, result: kept.length < feeds.length };
    });
  }

  /** The servers that have feeds to pull. */
  async serversWithFeeds(): Promise<string[]> {
    const { readdir } = await import("node:fs/promises");
    let names: string[];
    try {
      names = await readdir(this.options.dataDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const servers: string[] = [];
    for (const name of names.filter((n) => GUILD_ID.test(n))) if ((await this.feeds(name)).length > 0) servers.push(name);
    return servers;
  }

  private feedsFile(guildId: string): string {
    return join(this.options.dataDir, checkedGuild(guildId), "feeds.json");
  }

  private stateFile(guildId: string): string {
    return join(this.options.dataDir, checkedGuild(guildId), "feed-state.json");
  }

  private async rememberFeed(guildId: string, url: string, title: string): Promise<{ feed: ServerFeed | undefined; full: boolean }> {
    return this.changeFeeds<{ feed: ServerFeed | undefined; full: boolean }>(guildId, (feeds) => {
      const known = feeds.find((feed) => feed.url === url);
      if (known) return { feeds, result: { feed: known, full: false } };
      if (feeds.length >= MAX_FEEDS_PER_SERVER) return { feeds, result: { feed: undefined, full: true } };
      const feed = { url, title, added: new Date().toISOString() };
      return { feeds: [...feeds, feed], result: { feed, full: false } };
    });
  }

  private changeFeeds<T>(guildId: string, change: (feeds: ServerFeed[]) => { feeds: ServerFeed[]; result: T }): Promise<T> {
    const done = this.writing.then(async () => {
      const before = await this.feeds(guildId);
      const { feeds, result } = change(before);
      if (feeds !== before) await writeAtomically(this.feedsFile(guildId), `${JSON.stringify({ feeds }, null, 1)}\n`);
      return result;
    });
    this.writing = done.catch(() => undefined);
    return done;
  }

  /** Removes the files this add wrote past the quota (the last ones first kept out); says which and why. */
  private async keepWithinQuota(guildId: string, before: ServerUsage, report: AddReport): Promise<ServerAddResult["overQuota"]> {
    const usage = { ...before };
    const dropped: string[] = [];
    let problem: string | undefined;
    for (const file of report.added) {
      const path = join(this.corpusFolder(guildId), file);
      const { size } = await stat(path);
      const why = problem ?? quotaProblem(usage, size, this.options.limits);
      if (why) {
        problem = why;
        await rm(path, { force: true });
        dropped.push(file);
        continue;
      }
      usage.articles++;
      usage.bytes += size;
    }
    if (dropped.length === 0) return undefined;
    const gone = new Set(dropped);
    report.added = report.added.filter((file) => !gone.has(file));
    for (const outcome of report.outcomes) if (outcome.status === "checked") outcome.added = outcome.added.filter((a) => !gone.has(a.file));
    report.outcomes = report.outcomes.filter((o) => !(o.status === "added" && gone.has(o.file)));
    return { files: dropped, problem: problem! };
  }
}

/** A guild id, checked: it names a folder, so nothing else may reach a path. */
function checkedGuild(guildId: string): string {
  if (!GUILD_ID.test(guildId)) throw new Error(`${JSON.stringify(guildId)} is not a guild id (17 to 20 digits)`);
  return guildId;
}
