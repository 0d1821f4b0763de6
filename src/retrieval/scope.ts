/**
 * Which articles a question may be answered from. Every article belongs to the shared corpus or to
 * one Discord server (guild): a file under `servers/<guild id>/` of the corpus folder belongs to
 * that server, any other file to the shared corpus. A question from a server is answered from the
 * shared corpus plus that server's articles; a DM (and the CLI without --server) from the shared
 * corpus only. Filters narrow further, by outlet and publication date. Pure: no I/O.
 */
import type { Article } from "../corpus/article.js";
import { GUILD_ID, guildOfFile } from "../corpus/servers.js";
import type { Manifest } from "../index/manifest.js";
import { QuestionError } from "./answer.js";

export { GUILD_ID, SERVERS_FOLDER, guildOfFile } from "../corpus/servers.js";

/** Who is asking: a server (its articles and the shared ones) or nobody in particular (the shared corpus only). */
export interface ArticleScope {
  /** The server's guild id; undefined for a DM or the CLI without --server. */
  guildId?: string;
}

/** Narrowing a question to some articles of its scope. Dates are ISO days (YYYY-MM-DD), inclusive. */
export interface ArticleFilter {
  /** Outlets as the articles name them (compared without case); undefined = any. */
  outlets?: readonly string[];
  since?: string;
  until?: string;
}

/** A filter that cannot be applied (an outlet the scope has no article from, a date range that is back to front or holds no article); the message says what to do. */
export class FilterError extends QuestionError {
  constructor(message: string) {
    super(message);
    this.name = "FilterError";
  }
}

/** What scoping and listing read of an article. */
export type ScopedArticle = Pick<Article, "id" | "file" | "outlet" | "published">;

/** Whether a question asked in `scope` may see an article read from `file`. */
export function inScope(file: string, scope: ArticleScope = {}): boolean {
  const guild = guildOfFile(file);
  return guild === undefined || guild === scope.guildId;
}

/** A guild id as typed (the CLI's --server), or a FilterError saying what one looks like. */
export function parseGuildId(text: string): string {
  const id = text.trim();
  if (!GUILD_ID.test(id)) throw new FilterError(`${JSON.stringify(text)} is not a server's guild id: that is a number of 17 to 20 digits (in Discord, right-click the server → Copy Server ID, with Developer Mode on).`);
  return id;
}

/** An outlet's name as compared: without case, accents' case aside, and runs of spaces as one. */
function outletKey(outlet: string): string {
  return outlet.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();
}

/** One string for a scope and filter: the same key, the same articles (for caching what a scope allows). */
export function scopeKey(scope: ArticleScope = {}, filter: ArticleFilter = {}): string {
  const outlets = filter.outlets === undefined ? [] : [...new Set(filter.outlets.map(outletKey))].sort();
  return JSON.stringify([scope.guildId ?? null, outlets, filter.since ?? null, filter.until ?? null]);
}

/** Whether a filter narrows anything. */
export function filters(filter: ArticleFilter = {}): boolean {
  return (filter.outlets !== undefined && filter.outlets.length > 0) || filter.since !== undefined || filter.until !== undefined;
}

/** The outlets of the articles a scope sees, as the articles write them (the commonest spelling), sorted without case: what autocomplete offers. */
export function outletsIn(articles: Iterable<ScopedArticle>, scope: ArticleScope = {}): string[] {
  const spellings = new Map<string, Map<string, number>>();
  for (const article of articles) {
    if (!article.outlet || !inScope(article.file, scope)) continue;
    const key = outletKey(article.outlet);
    const counts = spellings.get(key) ?? new Map<string, number>();
    counts.set(article.outlet, (counts.get(article.outlet) ?? 0) + 1);
    spellings.set(key, counts);
  }
  const named = [...spellings.values()].map((counts) => [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0]);
  return named.sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }) || (a < b ? -1 : 1));
}

/** Most outlets an unknown-outlet message names. */
const OUTLETS_NAMED = 10;

/**
 * The ids of the articles a question in `scope` with `filter` may be answered from, or undefined
 * when that is every article (no server has its own, and nothing is filtered: the fast path).
 * Throws FilterError for an outlet the scope has no article from, a range whose start is after
 * its end, or a filter that leaves no article.
 */
export function allowedArticles(articles: Iterable<ScopedArticle>, scope: ArticleScope = {}, filter: ArticleFilter = {}): ReadonlySet<string> | undefined {
  const all = [...articles];
  const visible = all.filter((article) => inScope(article.file, scope));
  const narrowed = filters(filter);
  if (!narrowed) return visible.length === all.length ? undefined : new Set(visible.map((article) => article.id));
  const { since, until } = filter;
  if (since !== undefined && until !== undefined && since > until) throw new FilterError(`The dates are back to front: since ${since} is after until ${until}. Swap them.`);
  let outlets: Set<string> | undefined;
  if (filter.outlets !== undefined && filter.outlets.length > 0) {
    outlets = new Set(filter.outlets.map(outletKey));
    const known = outletsIn(visible, scope);
    const knownKeys = new Set(known.map(outletKey));
    const unknown = [...outlets].filter((outlet) => !knownKeys.has(outlet));
    if (unknown.length > 0) {
      const named = filter.outlets.filter((outlet) => unknown.includes(outletKey(outlet)));
      const list = known.length === 0 ? "no article here names its outlet" : `the outlets here are ${known.slice(0, OUTLETS_NAMED).join(", ")}${known.length > OUTLETS_NAMED ? ` and ${known.length - OUTLETS_NAMED} more` : ""}`;
      throw new FilterError(`No article here is from ${named.map((outlet) => `“${outlet}”`).join(" or ")}: ${list}.`);
    }
  }
  const allowed = visible.filter(
    (article) =>
      (outlets === undefined || outlets.has(outletKey(article.outlet))) &&
      (since === undefined || (article.published !== "" && article.published.slice(0, 10) >= since)) &&
      (until === undefined || (article.published !== "" && article.published.slice(0, 10) <= until)),
  );
  if (allowed.length === 0) {
    const when = since !== undefined && until !== undefined ? ` published from ${since} to ${until}` : since !== undefined ? ` published on or after ${since}` : until !== undefined ? ` published on or before ${until}` : "";
    const from = outlets !== undefined ? ` from ${filter.outlets!.join(" or ")}` : "";
    throw new FilterError(`No article here is${from}${when}${since !== undefined || until !== undefined ? " (articles with no date are left out of a date filter)" : ""}: widen the filter.`);
  }
  return new Set(allowed.map((article) => article.id));
}

/** What a listing (/sources, /help, the example question) reads of an index, as one scope sees it. */
export interface ScopedListing<A extends ScopedArticle> {
  manifest: Manifest;
  articles: ReadonlyMap<string, A>;
}

/**
 * The articles a scope sees and a manifest whose counts and per-article entries are those of the
 * scope only, so that nothing listed counts another server's articles. The same objects when the
 * scope sees every article.
 */
export function scopedListing<A extends ScopedArticle>(source: { manifest: Manifest; articles: ReadonlyMap<string, A> }, scope: ArticleScope = {}): ScopedListing<A> {
  const articles = new Map<string, A>();
  for (const [id, article] of source.articles) if (inScope(article.file, scope)) articles.set(id, article);
  if (articles.size === source.articles.size) return source;
  const entries = Object.fromEntries(Object.entries(source.manifest.articles).filter(([id]) => articles.has(id)));
  const passages = Object.values(entries).reduce((sum, entry) => sum + entry.passages, 0);
  return { manifest: { ...source.manifest, articles: entries, counts: { articles: articles.size, passages } }, articles };
}
