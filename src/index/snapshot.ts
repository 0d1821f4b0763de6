import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Article } from "../corpus/article.js";
import type { Passage } from "../passages/passages.js";
import { KeywordIndex } from "./keyword.js";
import { readVocabulary, type Vocabulary } from "./vocabulary.js";
import { SentenceTerms } from "./sentenceTerms.js";
import { readArticles } from "./articleStore.js";
import { BUILD_FILES, buildPath, readPointer } from "./layout.js";
import { INDEX_FORMAT_VERSION, parseManifest, type Manifest } from "./manifest.js";
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

/** The index exists but cannot be read. */
export class IndexCorruptError extends Error {
  constructor(folder: string, problem: string, cause?: unknown) {
    super(`The index at ${folder} is damaged (${problem}): rebuild it with \`npm run index\`.`, { cause });
    this.name = "IndexCorruptError";
  }
}

/** Metadata stored with each vectra item. */
export type VectorMetadata = { articleId: string };

async function readJson(folder: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(folder, file), "utf8");
  } catch (error) {
    throw new IndexCorruptError(folder, `${file} is missing`, error);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new IndexCorruptError(folder, `${file} is not valid JSON`, error);
  }
}

/**
 * Reads a build's passage vectors: float32 rows in passage order (`vectors.f32`). vectra's
 * `vectors/index.json` holds the same vectors, but parsing it (and loading vectra) took most of a
 * large index's start-up.
 */
async function readVectors(folder: string, passages: readonly Passage[], dimensions: number): Promise<VectorMatrix> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(folder, BUILD_FILES.vectorRows));
  } catch (error) {
    throw new IndexCorruptError(folder, `${BUILD_FILES.vectorRows} is missing`, error);
  }
  if (bytes.byteLength !== passages.length * dimensions * 4) {
    throw new IndexCorruptError(folder, `${BUILD_FILES.vectorRows} holds ${bytes.byteLength} bytes, not ${passages.length} vectors of ${dimensions} dimensions`);
  }
  const matrix = createVectorMatrix(passages.length, dimensions);
  new Uint8Array(matrix.data.buffer, matrix.data.byteOffset, matrix.data.byteLength).set(bytes);
  return matrix;
}

/** Loads one build folder completely, checking that its parts agree. */
export async function loadBuild(folder: string, buildId: string): Promise<IndexSnapshot> {
  let manifest: Manifest;
  try {
    manifest = parseManifest(await readJson(folder, BUILD_FILES.manifest));
  } catch (error) {
    if (error instanceof IndexCorruptError) throw error;
    throw new IndexCorruptError(folder, (error as Error).message, error);
  }
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) {
    throw new IndexCorruptError(folder, `it was built by another version of Verbatim (index format ${manifest.formatVersion}, this version reads ${INDEX_FORMAT_VERSION})`);
  }
  let articles: Article[];
  try {
    articles = await readArticles(folder);
  } catch (error) {
    throw new IndexCorruptError(folder, (error as Error).message, error);
  }
  const passages = (await readJson(folder, BUILD_FILES.passages)) as Passage[];
  if (!Array.isArray(passages) || passages.length !== manifest.counts.passages) {
    throw new IndexCorruptError(folder, "passages.json does not match manifest.json");
  }
  const matrix = await readVectors(folder, passages, manifest.model.dimensions);
  let vocabulary: Vocabulary;
  try {
    vocabulary = await readVocabulary(folder);
  } catch (error) {
    throw new IndexCorruptError(folder, `vocabulary: ${(error as Error).message}`, error);
  }
  let keyword: KeywordIndex;
  try {
    keyword = KeywordIndex.fromBytes(await readFile(join(folder, BUILD_FILES.keyword)), vocabulary.row);
  } catch (error) {
    throw new IndexCorruptError(folder, `${BUILD_FILES.keyword}: ${(error as Error).message}`, error);
  }
  if (keyword.size !== passages.length) throw new IndexCorruptError(folder, `${BUILD_FILES.keyword} does not match passages.json`);
  let sentenceTerms: SentenceTerms;
  try {
    sentenceTerms = await SentenceTerms.read(folder, passages, vocabulary.terms.length);
  } catch (error) {
    throw new IndexCorruptError(folder, (error as Error).message, error);
  }
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
    dimensions: manifest.model.dimensions,
  };
}

/** Loads the index in use in an index folder. */
export async function loadIndex(indexDir: string): Promise<IndexSnapshot> {
  const name = await readPointer(indexDir);
  if (!name) throw new IndexMissingError(indexDir);
  return loadBuild(buildPath(indexDir, name), name);
}
