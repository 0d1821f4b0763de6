/**
 * `npm run add`: article pages and feeds into the corpus. A feed's new items are fetched one by
 * one, reduced to their article's text (as saved pages are, html.ts) and saved as Markdown with
 * front matter; nothing is added twice (by URL, and by text). What the feeds last answered
 * (ETag, Last-Modified) is kept in a state file, so an unchanged feed costs one small request.
 * Adding is serialised by a lock on the state file: the bot's poller and an operator's
 * `npm run add` never write the same article twice.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import lockfile from "proper-lockfile";
import { articleFileText, articlePlace, cutAtWord, MAX_ID_LENGTH, type FetchedArticle } from "./articleFile.js";
import { FeedParseError, parseFeed, resourceKind } from "./feed.js";
import { FetchError, fetchText, TOTAL_TIMEOUT_MS, type FetchOptions, type Validators } from "./fetch.js";
import { extractHtmlArticle } from "./html.js";
import { readCorpus } from "./loadCorpus.js";

/** Items read from one feed per pull, newest first: a feed's back catalogue is not fetched all at once. */
export const MAX_ITEMS_PER_FEED = 50;
/** The folder under the corpus that fetched articles are saved in, one subfolder per outlet. */
export const FETCHED_FOLDER = "web";
/** How long a pull waits for another one (the bot's poller, another `npm run add`) to finish. */
const LOCK_WAIT_MS = 120_000;

/** What one address led to. */
export type AddOutcome =
  | { url: string; kind: "page"; status: "added"; file: string; title: string }
  | { url: string; kind: "page"; status: "known"; reason: string }
  | {
      url: string;
      kind: "feed";
      status: "checked";
      title: string;
      added: { url: string; file: string; title: string }[];
      known: number;
      failed: { url: string; reason: string }[];
      /** Items not fetched before the pull's deadline: left for the next pull. */
      deferred: number;
    }
  | { url: string; kind: "feed"; status: "unchanged" }
  | { url: string; status: "failed"; reason: string }
  /** Not fetched before the pull's deadline: left for the next pull. */
  | { url: string; status: "deferred" };

/** What a pull did, address by address. */
export interface AddReport {
  outcomes: AddOutcome[];
  /** Corpus files written. */
  added: string[];
  /** Addresses (or feed items) that could not be added. */
  failures: number;
  /** Addresses (or feed items) not fetched before the pull's deadline, left for the next pull. */
  deferred: number;
}

/** Where and how to add. */
export interface AddOptions extends FetchOptions {
  corpusDir: string;
  /** The feeds' conditional-request state (JSON). */
  stateFile: string;
  /**
   * How long the pull may take once it holds the lock, in milliseconds (none when unset): what is
   * not fetched by then is left for the next pull, so slow items cannot hold the lock for minutes.
   */
  deadlineMs?: number;
}

/** When a pull must stop fetching: the time left, and fetch options whose timeout does not run past it. */
class Deadline {
  private readonly endsAt: number;

  constructor(
    ms: number | undefined,
    private readonly options: AddOptions,
  ) {
    this.endsAt = ms === undefined ? Infinity : Date.now() + ms;
  }

  get passed(): boolean {
    return Date.now() >= this.endsAt;
  }

  /** The fetch options with the request's time cut to what is left of the pull. */
  get fetchOptions(): AddOptions {
    const left = this.endsAt - Date.now();
    return Number.isFinite(left) ? { ...this.options, timeoutMs: Math.max(1, Math.min(this.options.timeoutMs ?? TOTAL_TIMEOUT_MS, left)) } : this.options;
  }
}

interface FeedState {
  feeds: Record<string, Validators & { checked: string }>;
}

/** Text compared for "the same article": white space folded, as the corpus reader compares. */
function textKey(body: string): string {
  return createHash("sha256").update(body.replace(/\s+/g, " ").trim()).digest("hex");
}

/** An address as compared for "already in the corpus": no fragment, no trailing slash, host lowercase. */
export function urlKey(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = "";
    return parsed.href.replace(/\/$/, "");
  } catch {
    return url;
  }
}

async function readState(file: string): Promise<FeedState> {
  try {
    const data = JSON.parse(await readFile(file, "utf8")) as FeedState;
    return data && typeof data.feeds === "object" ? data : { feeds: {} };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { feeds: {} };
    // A damaged state file only costs full requests once: start again rather than stop adding.
    return { feeds: {} };
  }
}

/** Writes a file whole or not at all (a dot name is never read as an article). */
async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${process.pid}-${Date.now()}.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** What the corpus already holds: its articles' addresses, texts and ids, and the files taken. */
async function corpusKnowledge(corpusDir: string) {
  await mkdir(corpusDir, { recursive: true });
  const { articles } = await readCorpus(corpusDir);
  return {
    urls: new Map(articles.filter((a) => a.url !== "").map((a) => [urlKey(a.url), a.file])),
    texts: new Map(articles.map((a) => [textKey(a.body), a.file])),
    ids: new Set(articles.map((a) => a.id)),
    files: new Set(articles.map((a) => a.file.toLowerCase())),
  };
}
type Knowledge = Awaited<ReturnType<typeof corpusKnowledge>>;

/** Saves a fetched article under a free id and file name; returns the file, relative to the corpus. */
async function save(corpusDir: string, known: Knowledge, article: FetchedArticle, itemUrl: string): Promise<string> {
  const place = articlePlace(article, FETCHED_FOLDER);
  let id = place.id;
  let file = place.file;
  for (let n = 2; known.ids.has(id) || known.files.has(file.toLowerCase()); n++) {
    id = `${cutAtWord(place.id, MAX_ID_LENGTH - `-${n}`.length)}-${n}`;
    file = place.file.replace(/\.md$/, `-${n}.md`);
  }
  await writeAtomically(join(corpusDir, file), articleFileText(id, article));
  known.ids.add(id);
  known.files.add(file.toLowerCase());
  known.urls.set(urlKey(itemUrl), file);
  known.urls.set(urlKey(article.url), file);
  known.texts.set(textKey(article.body), file);
  return file;
}

/** Words a paragraph needs, ending like a sentence, for a page to hold an article (not only menus and captions). */
const MIN_PROSE_WORDS = 8;

/** Whether extracted text holds at least one paragraph of prose. */
function hasProse(body: string): boolean {
  return body.split(/\n\s*\n/).some((paragraph) => /[.!?]["'”’)\]]*\s*$/.test(paragraph.trim()) && paragraph.trim().split(/\s+/).length >= MIN_PROSE_WORDS);
}

/** A page's article, or why it cannot be added. */
function pageArticle(html: string, finalUrl: string, fallback: Partial<FetchedArticle>): FetchedArticle | string {
  const page = extractHtmlArticle(html);
  if (!hasProse(page.body)) return "no article text found in the page (no paragraph of prose after extraction)";
  const title = page.title || fallback.title || "";
  if (title === "") return "the page has no title";
  return { title, outlet: page.outlet || fallback.outlet || "", published: fallback.published || page.published, url: page.url || finalUrl, body: page.body };
}

/** Fetches one item's page and saves it; the failure reason, or the file written. */
async function addItem(url: string, fallback: Partial<FetchedArticle>, known: Knowledge, options: AddOptions): Promise<{ file: string; title: string } | { known: string } | { failed: string }> {
  const already = known.urls.get(urlKey(url));
  if (already) return { known: `already in the corpus (${already})` };
  let fetched;
  try {
    fetched = await fetchText(url, options);
  } catch (error) {
    return { failed: error instanceof FetchError ? error.problem : (error as Error).message };
  }
  if (fetched.status !== "ok") return { failed: "the server answered 304 to a request that asked for no validators" };
  const alreadyFinal = known.urls.get(urlKey(fetched.url));
  if (alreadyFinal) return { known: `already in the corpus (${alreadyFinal})` };
  if (resourceKind(fetched.contentType, fetched.text) !== "page") return { failed: `is not a web page (${fetched.contentType || "no content type"})` };
  const article = pageArticle(fetched.text, fetched.url, fallback);
  if (typeof article === "string") return { failed: article };
  const sameText = known.texts.get(textKey(article.body));
  if (sameText) return { known: `same text as ${sameText}` };
  const sameUrl = known.urls.get(urlKey(article.url));
  if (sameUrl) return { known: `already in the corpus (${sameUrl})` };
  return { file: await save(options.corpusDir, known, article, url), title: article.title };
}

/** Adds what one address holds: a page, or a feed's new items. */
async function addOne(url: string, known: Knowledge, state: FeedState, deadline: Deadline): Promise<AddOutcome> {
  if (known.urls.has(urlKey(url))) return { url, kind: "page", status: "known", reason: `already in the corpus (${known.urls.get(urlKey(url))})` };
  if (deadline.passed) return { url, status: "deferred" };
  const options = deadline.fetchOptions;
  let fetched;
  try {
    fetched = await fetchText(url, options, state.feeds[url] ?? {});
  } catch (error) {
    if (deadline.passed) return { url, status: "deferred" };
    return { url, status: "failed", reason: error instanceof FetchError ? error.problem : (error as Error).message };
  }
  if (fetched.status === "not-modified") return { url, kind: "feed", status: "unchanged" };
  const kind = resourceKind(fetched.contentType, fetched.text);
  if (kind === "page") {
    const result = await addItemFromPage(url, fetched.url, fetched.text, known, options);
    return result;
  }
  if (kind === "other") return { url, status: "failed", reason: `is neither a feed nor a web page (${fetched.contentType || "no content type"}): give the address of an article or of an RSS or Atom feed` };
  let feed;
  try {
    feed = parseFeed(fetched.text, fetched.url, kind === "json-feed");
  } catch (error) {
    return { url, status: "failed", reason: error instanceof FeedParseError ? error.message : `is not a readable feed: ${(error as Error).message}` };
  }
  const outcome: Extract<AddOutcome, { status: "checked" }> = { url, kind: "feed", status: "checked", title: feed.title, added: [], known: 0, failed: [], deferred: 0 };
  const items = feed.items.slice(0, MAX_ITEMS_PER_FEED);
  for (const [i, item] of items.entries()) {
    if (deadline.passed) {
      outcome.deferred = items.length - i;
      break;
    }
    const result = await addItem(item.url, { title: item.title, outlet: feed.title, published: item.published }, known, deadline.fetchOptions);
    // An item cut off by the deadline did not fail: it is tried again at the next pull.
    if ("failed" in result && deadline.passed) {
      outcome.deferred = items.length - i;
      break;
    }
    if ("file" in result) outcome.added.push({ url: item.url, file: result.file, title: result.title });
    else if ("known" in result) outcome.known++;
    else outcome.failed.push({ url: item.url, reason: result.failed });
  }
  // Validators are kept only once every item was dealt with: a failed or deferred item is tried again next time.
  if (outcome.failed.length === 0 && outcome.deferred === 0) state.feeds[url] = { ...(fetched.etag ? { etag: fetched.etag } : {}), ...(fetched.lastModified ? { lastModified: fetched.lastModified } : {}), checked: new Date().toISOString() };
  else delete state.feeds[url];
  return outcome;
}

async function addItemFromPage(url: string, finalUrl: string, html: string, known: Knowledge, options: AddOptions): Promise<AddOutcome> {
  const already = known.urls.get(urlKey(finalUrl));
  if (already) return { url, kind: "page", status: "known", reason: `already in the corpus (${already})` };
  const article = pageArticle(html, finalUrl, {});
  if (typeof article === "string") return { url, status: "failed", reason: article };
  const sameText = known.texts.get(textKey(article.body));
  if (sameText) return { url, kind: "page", status: "known", reason: `same text as ${sameText}` };
  const sameUrl = known.urls.get(urlKey(article.url));
  if (sameUrl) return { url, kind: "page", status: "known", reason: `already in the corpus (${sameUrl})` };
  const file = await save(options.corpusDir, known, article, url);
  return { url, kind: "page", status: "added", file, title: article.title };
}

/** Adds the articles at these addresses (pages or feeds) to the corpus; never throws for one bad address. */
export async function addArticles(urls: readonly string[], options: AddOptions): Promise<AddReport> {
  await mkdir(dirname(options.stateFile), { recursive: true });
  const release = await lockfile.lock(options.stateFile, { realpath: false, retries: { retries: Math.ceil(LOCK_WAIT_MS / 1000), minTimeout: 1000, maxTimeout: 1000 }, stale: 60_000 });
  try {
    const deadline = new Deadline(options.deadlineMs, options);
    const known = await corpusKnowledge(options.corpusDir);
    const state = await readState(options.stateFile);
    const outcomes: AddOutcome[] = [];
    for (const url of urls) outcomes.push(await addOne(url, known, state, deadline));
    await writeAtomically(options.stateFile, `${JSON.stringify(state, null, 1)}\n`);
    const added = outcomes.flatMap((o) => (o.status === "added" ? [o.file] : o.status === "checked" ? o.added.map((a) => a.file) : []));
    const failures = outcomes.reduce((sum, o) => sum + (o.status === "failed" ? 1 : o.status === "checked" ? o.failed.length : 0), 0);
    const deferred = outcomes.reduce((sum, o) => sum + (o.status === "deferred" ? 1 : o.status === "checked" ? o.deferred : 0), 0);
    return { outcomes, added, failures, deferred };
  } finally {
    await release();
  }
}

/** Lines for people, one per address (and per failed feed item). */
export function describeAdd(report: AddReport): string[] {
  const lines: string[] = [];
  for (const o of report.outcomes) {
    if (o.status === "added") lines.push(`added ${o.file}: ${o.title}`);
    else if (o.status === "known") lines.push(`not added ${o.url}: ${o.reason}`);
    else if (o.status === "unchanged") lines.push(`feed ${o.url}: unchanged since the last pull`);
    else if (o.status === "failed") lines.push(`failed ${o.url}: ${o.reason}`);
    else if (o.status === "deferred") lines.push(`left for the next pull ${o.url}: the pull's time ran out before it was fetched`);
    else {
      const deferred = o.deferred > 0 ? `, ${o.deferred} left for the next pull (the pull's time ran out)` : "";
      lines.push(`feed ${o.url}${o.title ? ` (${o.title})` : ""}: ${o.added.length} added, ${o.known} already in the corpus, ${o.failed.length} failed${deferred}`);
      for (const a of o.added) lines.push(`  added ${a.file}: ${a.title}`);
      for (const f of o.failed) lines.push(`  failed ${f.url}: ${f.reason}`);
    }
  }
  return lines;
}
