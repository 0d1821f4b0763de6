import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Article } from "../corpus/article.js";
import type { Passage } from "../passages/passages.js";
import { KeywordIndex } from "./keyword.js";
import { parseVocabulary, type Vocabulary } from "./vocabulary.js";
import { SentenceTerms } from "./sentenceTerms.js";
import { parseArticles } from "./articleStore.js";
import { BUILD_FILES, buildPath, readPointer } from "./layout.js";
import { ManifestFormatError, parseManifestText, sha256Hex, type Manifest } from "./manifest.js";
import { createVectorMatrix, type VectorMatrix } from "../retrieval/vectorSearch.js";

/** A whole index in memory: what retrieval reads. Immutable once loaded. */
export interface IndexSnapshot {
  buildId: string;
  folder: string;
  manifest: Manifest;
  articles: ReadonlyMap<string, Article>;
  passages: readonly Passage[];
  keyword: KeywordIndex;
  /** Word vectors of the index's terms, for soft matching. */
  vocabulary: Vocabulary;
  /** Passage vectors (`matrix.data`: row i for passage i, unit length), with fast similarity to a question. */
  matrix: VectorMatrix;
  /** Every passage sentence's content terms, as vocabulary ids. */
  sentenceTerms: SentenceTerms;
  dimensions: number;
}

/** There is no index yet. */
export class IndexMissingError extends Error {
  constructor(indexDir: string) {
    super(`There is no index in ${indexDir} yet: build it with \`npm run index\`.`);
    this.name = "IndexMissingError";
  }
}

/** The index exists but cannot be read, or does not match its checksums: nothing of it is used. */
export class IndexCorruptError extends Error {
  constructor(folder: string, problem: string, cause?: unknown) {
    super(`The index at ${folder} is damaged (${problem}): rebuild it with \`npm run index\`.`, { cause });
    this.name = "IndexCorruptError";
  }
}

/** The index was built by another version of Verbatim, in a format this one does not read. */
export class IndexOutdatedError extends IndexCorruptError {
  constructor(folder: string, problem: string) {
    super(folder, `it was built by another version of Verbatim: ${problem}`);
    this.name = "IndexOutdatedError";
  }
}

/** Metadata stored with each vectra item. */
export type VectorMetadata = { articleId: string };

/**
 * Reads the build files the bot uses, each checked against the sha256 its manifest records before
 * any byte of it is used: a damaged build is refused whole, never quoted from. The hash runs over
 * the bytes already read (about 1.5 GB/s here, so ~0.15 s for a 10,000-article index), which also
 * leaves no gap between checking a file and using it.
 */
class VerifiedFiles {
  constructor(
    private readonly folder: string,
    private readonly checksums: Readonly<Record<string, string>>,
  ) {}

  async read(file: string): Promise<Buffer> {
    const expected = this.checksums[file];
    if (expected === undefined) throw new IndexCorruptError(this.folder, `manifest.json has no checksum for ${file}`);
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.folder, file));
    } catch (error) {
      throw new IndexCorruptError(this.folder, `${file} is missing or unreadable`, error);
    }
    if (sha256Hex(bytes) !== expected) throw new IndexCorruptError(this.folder, `${file} does not match its checksum`);
    return bytes;
  }
}

/** Runs a parser over verified bytes; a parser's error (a bug or a format mismatch) becomes IndexCorruptError. */
function parsed<T>(folder: string, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof IndexCorruptError) throw error;
    throw new IndexCorruptError(folder, `${what}: ${(error as Error).message}`, error);
  }
}

/** Reads and verifies a build's manifest.json. */
export async function readManifest(folder: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(folder, BUILD_FILES.manifest), "utf8");
  } catch (error) {
    throw new IndexCorruptError(folder, `${BUILD_FILES.manifest} is missing or unreadable`, error);
  }
  try {
    return parseManifestText(text);
  } catch (error) {
    if (error instanceof ManifestFormatError) throw new IndexOutdatedError(folder, error.message);
    throw new IndexCorruptError(folder, (error as Error).message, error);
  }
}

/**
 * Loads one build folder completely, verifying every file against the manifest's checksums and
 * checking that the parts agree. Throws IndexCorruptError (or IndexOutdatedError) otherwise.
 */
export async function loadBuild(folder: string, buildId: string): Promise<IndexSnapshot> {
  const manifest = await readManifest(folder);
  const files = new VerifiedFiles(folder, manifest.files);
  const [articleFields, bodies, passageBytes, vectorBytes, vocabularyList, vocabularyVectors, keywordBytes, sentenceTermBytes] = await Promise.all(
    [BUILD_FILES.articles, BUILD_FILES.bodies, BUILD_FILES.passages, BUILD_FILES.vectorRows, BUILD_FILES.vocabulary, BUILD_FILES.vocabularyVectors, BUILD_FILES.keyword, BUILD_FILES.sentenceTerms].map((file) => files.read(file)),
  ) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  const articles = parsed(folder, BUILD_FILES.articles, () => parseArticles(articleFields, bodies));
  if (articles.length !== manifest.counts.articles) throw new IndexCorruptError(folder, `${BUILD_FILES.articles} does not match manifest.json`);
  const passages = parsed(folder, BUILD_FILES.passages, () => JSON.parse(passageBytes.toString("utf8")) as Passage[]);
  if (!Array.isArray(passages) || passages.length !== manifest.counts.passages) {
    throw new IndexCorruptError(folder, "passages.json does not match manifest.json");
  }
  const dimensions = manifest.model.dimensions;
  if (vectorBytes.byteLength !== passages.length * dimensions * 4) {
    throw new IndexCorruptError(folder, `${BUILD_FILES.vectorRows} holds ${vectorBytes.byteLength} bytes, not ${passages.length} vectors of ${dimensions} dimensions`);
  }
  const matrix = createVectorMatrix(passages.length, dimensions);
  new Uint8Array(matrix.data.buffer, matrix.data.byteOffset, matrix.data.byteLength).set(vectorBytes);
  const vocabulary = parsed(folder, "vocabulary", () => parseVocabulary(vocabularyList, vocabularyVectors));
  const keyword = parsed(folder, BUILD_FILES.keyword, () => KeywordIndex.fromBytes(keywordBytes, vocabulary.row));
  if (keyword.size !== passages.length) throw new IndexCorruptError(folder, `${BUILD_FILES.keyword} does not match passages.json`);
  const sentenceTerms = parsed(folder, BUILD_FILES.sentenceTerms, () => SentenceTerms.fromBytes(sentenceTermBytes, passages, vocabulary.terms.length));
  return {
    buildId,
    folder,
    manifest,
    articles: new Map(articles.map((article) => [article.id, article])),
    passages,
    keyword,
    vocabulary,
    matrix,
    sentenceTerms,
    dimensions,
  };
}

/** Loads the index in use in an index folder. */
export async function loadIndex(indexDir: string): Promise<IndexSnapshot> {
  const name = await readPointer(indexDir);
  if (!name) throw new IndexMissingError(indexDir);
  return loadBuild(buildPath(indexDir, name), name);
}
