/**
 * A fetched article as a corpus file: Markdown with real front matter (id, title, outlet,
 * published date, URL), then the article's text exactly as extracted. Pure.
 */
import { stringify } from "yaml";
import { MAX_OUTLET_LENGTH, MAX_TITLE_LENGTH, MAX_URL_LENGTH } from "./frontMatter.js";

/** Longest id given to a fetched article (the corpus reader takes ids of up to 64 characters). */
export const MAX_ID_LENGTH = 64;

/** What is known of a fetched article. */
export interface FetchedArticle {
  title: string;
  outlet: string;
  /** YYYY-MM-DD or "". */
  published: string;
  url: string;
  body: string;
}

/**
 * Hyphenated words cut to at most `max` characters after a whole word ("new-era-for-russia" at 14
 * → "new-era-for"); a first word longer than `max` is cut where it must be.
 */
export function cutAtWord(words: string, max: number): string {
  if (words.length <= max) return words;
  const cut = words.slice(0, max + 1);
  const end = cut.lastIndexOf("-");
  return (end > 0 ? cut.slice(0, end) : words.slice(0, max)).replace(/-+$/, "");
}

/** Lowercase ASCII words joined by hyphens, accents folded, at most `max` characters of whole words: "Le Monde — Économie" → "le-monde-economie". */
export function slug(text: string, max: number): string {
  const plain = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return cutAtWord(plain, max);
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, "")}…`;
}

/** The article id and file path (relative to the corpus folder) a fetched article is saved under, before making them unique. */
export function articlePlace(article: FetchedArticle, folder: string): { id: string; file: string } {
  const outlet = slug(article.outlet || new URL(article.url).hostname.replace(/^www\./, ""), 24) || "web";
  const title = slug(article.title, 40) || "article";
  const date = article.published || "undated";
  return { id: cutAtWord(`${outlet}-${date}-${title}`, MAX_ID_LENGTH), file: `${folder}/${outlet}/${date}-${title}.md` };
}

/** The Markdown file for a fetched article, with front matter our corpus reader accepts. */
export function articleFileText(id: string, article: FetchedArticle): string {
  const front = {
    id,
    title: cut(article.title.replace(/\s+/g, " ").trim(), MAX_TITLE_LENGTH),
    outlet: cut(article.outlet.replace(/\s+/g, " ").trim(), MAX_OUTLET_LENGTH),
    published: article.published,
    url: article.url.length <= MAX_URL_LENGTH ? article.url : "",
  };
  return `---\n${stringify(front, { lineWidth: 0 })}---\n${article.body.trim()}\n`;
}
