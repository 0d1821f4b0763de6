/** Where an article came from, as shown next to every quote. Empty strings mean "not stated". */
export interface Source {
  id: string;
  title: string;
  outlet: string;
  published: string;
  url: string;
}

/** One article: its source fields and the body text that quotes are sliced from. */
export interface Article extends Source {
  body: string;
  /** The corpus file it was read from, relative to the corpus folder. */
  file: string;
  /** sha256 of the file's bytes: a changed hash means the article is re-indexed. */
  hash: string;
}

/** Returns just the source fields of an article. */
export function sourceOf(article: Source): Source {
  return { id: article.id, title: article.title, outlet: article.outlet, published: article.published, url: article.url };
}

/**
 * What a quote's offsets count in: `body`, the file's own text after its front matter or title
 * line; `extracted-text`, the text extracted from a saved web page (not the HTML file's bytes).
 */
export type OffsetsIn = "body" | "extracted-text";

/** What the offsets of quotes from an article file count in. */
export function offsetsIn(file: string): OffsetsIn {
  return /\.html?$/i.test(file) ? "extracted-text" : "body";
}
