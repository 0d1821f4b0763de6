import { open, readFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { Article } from "../corpus/article.js";
import type { Passage } from "../passages/passages.js";
import { KeywordIndex } from "./keyword.js";
import { parseVocabulary, type Vocabulary } from "./vocabulary.js";
import { SentenceTerms } from "./sentenceTerms.js";
import { parseArticles } from "./articleStore.js";
import { decodePassages } from "./passageStore.js";
import { IndexCorruptError, IndexMissingError, IndexOutdatedError } from "./errors.js";
import { BUILD_FILES, buildPath, fileSha256, readPointer } from "./layout.js";
import { ManifestFormatError, parseManifestText, sha256Hex, type Manifest } from "./manifest.js";
import { createVectorMatrix, type VectorMatrix } from "./vectorMatrix.js";

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

export { IndexCorruptError, IndexMissingError, IndexOutdatedError };

/** Metadata stored with each vectra item. */
export type VectorMetadata = { articleId: string };

/**
 * Reads the build files the bot uses, each checked against the sha256 its manifest records before
 * any byte of it is used: a damaged build is refused, never quoted from. The hash runs over the
 * bytes already read, which leaves no gap between checking a file and using it. (Article bodies
 * are checked one by one as they are first used: see articleStore.ts and verifyBodies.)
 */
class VerifiedFiles {
  constructor(
    private readonly folder: string,
    private readonly checksums: Readonly<Record<string, string>>,
  ) {}

  /** A file's bytes, in a buffer of their own (offset 0, so typed-array views need no copy). */
  async read(file: string): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.folder, file));
    } catch (error) {
      throw new IndexCorruptError(this.folder, `${file} is missing or unreadable`, error);
    }
    this.check(file, bytes);
    return bytes;
  }

  /**
   * Reads a file straight into `target` (the vector matrix's memory: no second copy of 70 MB),
   * which it must fill exactly. Asynchronous, so the model loads meanwhile.
   */
  async readInto(file: string, target: Uint8Array): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(join(this.folder, file), "r");
    } catch (error) {
      throw new IndexCorruptError(this.folder, `${file} is missing or unreadable`, error);
    }
    try {
      const { size } = await handle.stat();
      if (size !== target.byteLength) throw new IndexCorruptError(this.folder, `${file} holds ${size} bytes, not the ${target.byteLength} that manifest.json describes`);
      for (let done = 0; done < size; ) {
        const { bytesRead } = await handle.read(target, done, size - done, done);
        if (bytesRead === 0) throw new IndexCorruptError(this.folder, `${file} ended early`);
        done += bytesRead;
      }
    } finally {
      await handle.close();
    }
    this.check(file, target);
  }

  private check(file: string, bytes: Uint8Array): void {
    const expected = this.checksums[file];
    if (expected === undefined) throw new IndexCorruptError(this.folder, `manifest.json has no checksum for ${file}`);
    if (sha256Hex(bytes) !== expected) throw new IndexCorruptError(this.folder, `${file} does not match its checksum`);
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
 * Loads one build folder, verifying every file it reads against the manifest's checksums and
 * checking that the parts agree; article bodies are read and verified when first used. Throws
 * IndexCorruptError (or IndexOutdatedError) otherwise. At 10,000 articles, checking costs ~0.25 s
 * of hashing; not reading the bodies and their copies at start saves more than that. A caller
 * that has just read and verified the build's manifest (readManifest) passes it, so it is read once.
 */
export async function loadBuild(folder: string, buildId: string, known?: Manifest): Promise<IndexSnapshot> {
  const manifest = known ?? (await readManifest(folder));
  const files = new VerifiedFiles(folder, manifest.files);
  const dimensions = manifest.model.dimensions;
  // The vectors are read into the matrix while the other files are read and parsed.
  const matrix = createVectorMatrix(manifest.counts.passages, dimensions);
  const vectorsRead = files.readInto(BUILD_FILES.vectorRows, new Uint8Array(matrix.data.buffer, matrix.data.byteOffset, matrix.data.byteLength));
  vectorsRead.catch(() => undefined); // awaited below; an earlier failure must not leave it unhandled
  // Bodies are not read here: each is verified against its own checksum when first used.
  const [articleFields, passageBytes, vocabularyList, vocabularyVectors, keywordBytes, sentenceTermBytes] = (await Promise.all(
    [BUILD_FILES.articles, BUILD_FILES.passages, BUILD_FILES.vocabulary, BUILD_FILES.vocabularyVectors, BUILD_FILES.keyword, BUILD_FILES.sentenceTerms].map((file) => files.read(file)),
  )) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  const articles = parsed(folder, BUILD_FILES.articles, () => parseArticles(articleFields, folder));
  if (articles.length !== manifest.counts.articles) throw new IndexCorruptError(folder, `${BUILD_FILES.articles} does not match manifest.json`);
  const passages = parsed(folder, BUILD_FILES.passages, () => decodePassages(passageBytes, articles.map((article) => article.id)));
  if (passages.length !== manifest.counts.passages) throw new IndexCorruptError(folder, `${BUILD_FILES.passages} does not match manifest.json`);
  const vocabulary = parsed(folder, "vocabulary", () => parseVocabulary(vocabularyList, vocabularyVectors));
  const keyword = parsed(folder, BUILD_FILES.keyword, () => KeywordIndex.fromBytes(keywordBytes, vocabulary.row));
  if (keyword.size !== passages.length) throw new IndexCorruptError(folder, `${BUILD_FILES.keyword} does not match ${BUILD_FILES.passages}`);
  const sentenceTerms = parsed(folder, BUILD_FILES.sentenceTerms, () => SentenceTerms.fromBytes(sentenceTermBytes, passages, vocabulary.terms.length));
  await vectorsRead;
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

/**
 * Checks the whole of a build's article text against its checksum, streamed so the event loop
 * stays free (about 0.6 s at 10,000 articles). Loading checks each body only when it is first
 * quoted; the bot runs this before it serves a build, so a damaged build is refused at once.
 */
export async function verifyBodies(snapshot: IndexSnapshot): Promise<void> {
  let actual: string;
  try {
    actual = await fileSha256(join(snapshot.folder, BUILD_FILES.bodies));
  } catch (error) {
    throw new IndexCorruptError(snapshot.folder, `${BUILD_FILES.bodies} is missing or unreadable`, error);
  }
  if (actual !== snapshot.manifest.files[BUILD_FILES.bodies]) throw new IndexCorruptError(snapshot.folder, `${BUILD_FILES.bodies} does not match its checksum`);
}

/** Loads the index in use in an index folder. */
export async function loadIndex(indexDir: string): Promise<IndexSnapshot> {
  const name = await readPointer(indexDir);
  if (!name) throw new IndexMissingError(indexDir);
  return loadBuild(buildPath(indexDir, name), name);
}
