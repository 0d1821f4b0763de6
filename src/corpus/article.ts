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
