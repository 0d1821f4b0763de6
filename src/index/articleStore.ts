import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Article } from "../corpus/article.js";
import { BUILD_FILES } from "./layout.js";

/** An article's fields as stored in `articles.json`: everything but the body, plus where the body is. */
type StoredFields = Omit<Article, "body"> & { bodyAt: number; bodyLength: number };

/**
 * Article bodies stored as UTF-16 (`bodies.utf16`) beside their fields (`articles.json`): loading
 * is a plain copy, with no UTF-8 decoding or JSON parsing of the whole corpus text (which took a
 * large index's start-up 0.4 s). A body becomes a string the first time it is read.
 */
export async function writeArticles(folder: string, articles: readonly Article[]): Promise<void> {
  let at = 0;
  const fields: StoredFields[] = articles.map(({ body, ...rest }) => {
    const stored = { ...rest, bodyAt: at, bodyLength: body.length };
    at += body.length;
    return stored;
  });
  const bodies = Buffer.alloc(at * 2);
  let offset = 0;
  for (const article of articles) offset += bodies.write(article.body, offset, "utf16le");
  await writeFile(join(folder, BUILD_FILES.articles), JSON.stringify(fields));
  await writeFile(join(folder, BUILD_FILES.bodies), bodies);
}

/** An article whose body is read from the shared UTF-16 buffer on first use. */
class StoredArticle implements Article {
  readonly id: string;
  readonly title: string;
  readonly outlet: string;
  readonly published: string;
  readonly url: string;
  readonly file: string;
  readonly hash: string;
  private text: string | undefined;

  constructor(
    fields: StoredFields,
    private readonly bodies: Buffer,
  ) {
    this.id = fields.id;
    this.title = fields.title;
    this.outlet = fields.outlet;
    this.published = fields.published;
    this.url = fields.url;
    this.file = fields.file;
    this.hash = fields.hash;
    this.start = fields.bodyAt * 2;
    this.end = (fields.bodyAt + fields.bodyLength) * 2;
  }

  /** Byte range of the body in the buffer. */
  private readonly start: number;
  private readonly end: number;

  get body(): string {
    this.text ??= this.bodies.toString("utf16le", this.start, this.end);
    return this.text;
  }
}

/** The articles of a build from the bytes of `articles.json` and `bodies.utf16`; throws if the two disagree. */
export function parseArticles(fieldBytes: Buffer, bodies: Buffer): Article[] {
  const fields = JSON.parse(fieldBytes.toString("utf8")) as StoredFields[];
  if (!Array.isArray(fields)) throw new Error(`${BUILD_FILES.articles} is not a list`);
  for (const article of fields) {
    if (typeof article.id !== "string" || !Number.isInteger(article.bodyAt) || !Number.isInteger(article.bodyLength) || (article.bodyAt + article.bodyLength) * 2 > bodies.length) {
      throw new Error(`${BUILD_FILES.articles} does not match ${BUILD_FILES.bodies}`);
    }
  }
  return fields.map((article) => new StoredArticle(article, bodies));
}
