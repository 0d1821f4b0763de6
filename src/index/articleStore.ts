import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Article } from "../corpus/article.js";
import { BUILD_FILES } from "./layout.js";
import { IndexCorruptError } from "./errors.js";
import { sha256Hex } from "./manifest.js";

/** An article's fields as stored in `articles.json`: everything but the body, plus where the body is and its checksum. */
type StoredFields = Omit<Article, "body"> & { bodyAt: number; bodyLength: number; bodySha256: string };

/**
 * Article bodies stored as UTF-16 (`bodies.utf16`) beside their fields (`articles.json`). Loading
 * reads no body: each is read from the file, checked against its own sha256 (recorded in the
 * verified `articles.json`) and decoded the first time it is used, so a large index starts without
 * reading, hashing and holding the whole corpus text (93 MB and 0.45 s at 10,000 articles).
 */
export async function writeArticles(folder: string, articles: readonly Article[]): Promise<void> {
  let at = 0;
  const bodies = Buffer.alloc(articles.reduce((sum, article) => sum + article.body.length * 2, 0));
  const fields: StoredFields[] = articles.map(({ body, ...rest }) => {
    const written = bodies.write(body, at * 2, "utf16le");
    const stored = { ...rest, bodyAt: at, bodyLength: body.length, bodySha256: sha256Hex(bodies.subarray(at * 2, at * 2 + written)) };
    at += body.length;
    return stored;
  });
  await writeFile(join(folder, BUILD_FILES.articles), JSON.stringify(fields));
  await writeFile(join(folder, BUILD_FILES.bodies), bodies);
}

/** A body that does not match its checksum: nothing of it may be quoted. */
export class BodyDamagedError extends IndexCorruptError {
  constructor(folder: string, readonly articleId: string) {
    super(folder, `${BUILD_FILES.bodies} does not match its checksum for the article ${articleId}`);
    this.name = "BodyDamagedError";
  }
}

/**
 * The open `bodies.utf16` of a build. The file stays open for as long as the articles that read
 * from it are in use (closed when they are garbage-collected), so a build folder deleted by a
 * later `npm run index` can still be read by the bot that serves it.
 */
class BodyFile {
  private static readonly closer = new FinalizationRegistry<number>((fd) => closeSync(fd));
  readonly size: number;
  private readonly fd: number;

  constructor(readonly folder: string) {
    this.fd = openSync(join(folder, BUILD_FILES.bodies), "r");
    this.size = fstatSync(this.fd).size;
    BodyFile.closer.register(this, this.fd);
  }

  /** Bytes [start, end) of the file. */
  read(start: number, end: number): Buffer {
    const bytes = Buffer.allocUnsafe(end - start);
    let done = 0;
    while (done < bytes.length) {
      const read = readSync(this.fd, bytes, done, bytes.length - done, start + done);
      if (read === 0) throw new Error(`${BUILD_FILES.bodies} ended early`);
      done += read;
    }
    return bytes;
  }
}

/** An article whose body is read, verified and decoded on first use. */
class StoredArticle implements Article {
  readonly id: string;
  readonly title: string;
  readonly outlet: string;
  readonly published: string;
  readonly url: string;
  readonly file: string;
  readonly hash: string;
  private text: string | undefined;
  /** Byte range of the body in the file, and its sha256. */
  private readonly start: number;
  private readonly end: number;
  private readonly bodySha256: string;

  constructor(
    fields: StoredFields,
    private readonly bodies: BodyFile,
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
    this.bodySha256 = fields.bodySha256;
  }

  /** The body; throws BodyDamagedError if its bytes do not match the checksum. */
  get body(): string {
    if (this.text === undefined) {
      const bytes = this.bodies.read(this.start, this.end);
      if (sha256Hex(bytes) !== this.bodySha256) throw new BodyDamagedError(this.bodies.folder, this.id);
      this.text = bytes.toString("utf16le");
    }
    return this.text;
  }
}

/** The articles of a build folder from the bytes of its `articles.json`, bodies read on use; throws if `bodies.utf16` does not fit. */
export function parseArticles(fieldBytes: Buffer, folder: string): Article[] {
  const fields = JSON.parse(fieldBytes.toString("utf8")) as StoredFields[];
  if (!Array.isArray(fields)) throw new Error(`${BUILD_FILES.articles} is not a list`);
  const bodies = new BodyFile(folder);
  let expectedSize = 0;
  for (const article of fields) {
    if (typeof article.id !== "string" || typeof article.bodySha256 !== "string" || !Number.isInteger(article.bodyAt) || !Number.isInteger(article.bodyLength) || (article.bodyAt + article.bodyLength) * 2 > bodies.size) {
      throw new Error(`${BUILD_FILES.articles} does not match ${BUILD_FILES.bodies}`);
    }
    expectedSize += article.bodyLength * 2;
  }
  if (expectedSize !== bodies.size) throw new Error(`${BUILD_FILES.bodies} is ${bodies.size} bytes, not the ${expectedSize} that ${BUILD_FILES.articles} describes`);
  return fields.map((article) => new StoredArticle(article, bodies));
}
