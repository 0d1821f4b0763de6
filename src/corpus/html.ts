import { createRequire } from "node:module";

type Dom = { Readability: typeof import("@mozilla/readability").Readability; parseHTML: typeof import("linkedom").parseHTML };
let dom: Dom | undefined;

/**
 * Readability and linkedom, loaded on the first page (through their CommonJS builds, so the
 * functions here stay synchronous): half a second of start-up that a corpus without HTML, and every
 * question, should not pay.
 */
function loadDom(): Dom {
  if (!dom) {
    const require = createRequire(import.meta.url);
    dom = { Readability: (require("@mozilla/readability") as typeof import("@mozilla/readability")).Readability, parseHTML: (require("linkedom") as typeof import("linkedom")).parseHTML };
  }
  return dom;
}

/**
 * A saved web page reduced to its article: Mozilla's Readability (Firefox Reader View) finds the
 * article in the page, over linkedom's DOM (a fraction of jsdom's weight, and enough for
 * Readability). The body is the text of the article's paragraphs, headings, list items and
 * quotes, one per paragraph with a blank line between: quotes are sliced from this text, and
 * their offsets count in it, not in the HTML file.
 */
export interface HtmlArticle {
  title: string;
  outlet: string;
  /** YYYY-MM-DD, or "" when the page does not say. */
  published: string;
  /** The canonical address, or "" when the page gives none that is absolute http(s). */
  url: string;
  body: string;
}

/** A page's headline longer than this is cut at a word: front matter allows 300 characters. */
const MAX_TITLE = 300;
const BLOCKS = "p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, figcaption, td";

/** Collapses white space (HTML source line breaks are not the article's). */
function clean(text: string | null | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim();
}

function cutTitle(title: string): string {
  if (title.length <= MAX_TITLE) return title;
  const cut = title.slice(0, MAX_TITLE - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), MAX_TITLE / 2))}…`;
}

/** A page title without the site's name that pages append ("Library reopens | City News" → "Library reopens"). */
function withoutSiteName(title: string, siteName: string): string {
  if (siteName === "") return title;
  for (const separator of [" | ", " - ", " – ", " — ", " :: ", " · "]) {
    const suffix = `${separator}${siteName}`;
    if (title.endsWith(suffix) && title.length > suffix.length) return title.slice(0, -suffix.length).trim();
  }
  return title;
}

/** Extracts the article and its metadata from a page's HTML. */
export function extractHtmlArticle(html: string): HtmlArticle {
  const { Readability, parseHTML } = loadDom();
  const { document } = parseHTML(html);
  const meta = (selector: string): string => clean(document.querySelector(selector)?.getAttribute("content"));
  const metaTitle = meta('meta[property="og:title"]') || clean(document.querySelector("title")?.textContent);
  const outlet = meta('meta[property="og:site_name"]');
  const publishedRaw = meta('meta[property="article:published_time"]') || meta('meta[name="date"]') || meta('meta[itemprop="datePublished"]');
  const canonical = clean(document.querySelector('link[rel="canonical"]')?.getAttribute("href")) || meta('meta[property="og:url"]');

  // Readability changes the document it reads, so metadata is read first.
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  const paragraphs: string[] = [];
  if (article?.content) {
    const { document: content } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`);
    for (const block of content.querySelectorAll(BLOCKS)) {
      // A block inside another block (a <p> in an <li>) is counted once, by its outermost block.
      if (block.parentElement?.closest(BLOCKS)) continue;
      const text = clean(block.textContent);
      if (text !== "") paragraphs.push(text);
    }
    if (paragraphs.length === 0) paragraphs.push(...(article.textContent ?? "").split(/\n\s*\n/).map(clean).filter(Boolean));
  }
  const published = /^\d{4}-\d{2}-\d{2}/.exec(publishedRaw || article?.publishedTime || "")?.[0] ?? "";
  const siteName = outlet || clean(article?.siteName);
  return {
    title: cutTitle(withoutSiteName(metaTitle || clean(article?.title), siteName)),
    outlet: (outlet || clean(article?.siteName)).slice(0, 100),
    published,
    url: /^https?:\/\/\S+$/.test(canonical) && canonical.length <= 2048 ? canonical : "",
    body: paragraphs.join("\n\n"),
  };
}
