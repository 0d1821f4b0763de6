/**
 * `npm run index`'s writer: reads the previous build's manifest and the corpus files once each,
 * lets buildPlan.ts decide, then embeds what changed, writes a complete new build folder beside the
 * old one and switches readers to it with one atomic rename. On any error the index in use is
 * untouched.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Article } from "../corpus/article.js";
import type { CorpusFileError } from "../corpus/frontMatter.js";
import { parseCorpus, readCorpusFiles, type SkippedFile } from "../corpus/loadCorpus.js";
import { EMBED_BATCH_SIZE, type Embedder } from "../embeddings/embedder.js";
import { passageText, type Passage } from "../passages/passages.js";
import { makeVocabulary, writeVocabulary, type Vocabulary } from "./vocabulary.js";
import { tokeniseSentences } from "./tokenise.js";
import { writeArticles } from "./articleStore.js";
import { encodePassages } from "./passageStore.js";
import { writeVectraIndex } from "./vectraFile.js";
import { KeywordIndex } from "./keyword.js";
import { SentenceTerms } from "./sentenceTerms.js";
import { BUILD_FILES, buildPath, ensureIndexDir, fileChecksums, newBuildName, readPointer, removeOldBuilds, switchPointer } from "./layout.js";
import { acquireBuildLock, type BuildLock } from "./lock.js";
import { serializeManifest, type Manifest } from "./manifest.js";
import { IndexPointerError } from "./errors.js";
import { IndexCorruptError, IndexOutdatedError, loadBuild, readManifest, type IndexSnapshot } from "./snapshot.js";
import { explainWriteError } from "./writeErrors.js";
import {
  articleChanges,
  changesNothing,
  damagedFile,
  fullRebuildReason,
  newManifest,
  noArticlesMessage,
  quotableArticles,
  sameFiles,
  upToDateReport,
  type BuildReport,
  type BuildSettings,
  type PreviousBuild,
} from "./buildPlan.js";

export { skippedLines, summarize, type BuildReport } from "./buildPlan.js";

/** Words per model call when embedding the vocabulary: single words are short, so batches can be big. */
const VOCABULARY_BATCH_SIZE = 256;

/** Reports embedding progress; the CLI shows a bar on a terminal and plain lines elsewhere. */
export interface ProgressReporter {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
  /** A line for the operator between the bars: a long step starting, its progress, a warning. */
  note?(message: string): void;
}

/** What `buildIndex` needs. The model is loaded lazily: a build with nothing to embed never loads it. */
export interface BuildOptions extends BuildSettings {
  corpusDir: string;
  indexDir: string;
  loadEmbedder: () => Promise<Embedder>;
  progress?: ProgressReporter;
}

/** The corpus has files that cannot be indexed; the index was left as it was. */
export class CorpusInvalidError extends Error {
  constructor(readonly problems: CorpusFileError[]) {
    super(`The corpus has ${problems.length} bad file${problems.length === 1 ? "" : "s"}; the index was not changed:\n  ${problems.map((problem) => problem.message).join("\n  ")}`);
    this.name = "CorpusInvalidError";
  }
}

/** Files that would be skipped, refused because the build was asked to be strict. */
export class CorpusSkipsRefusedError extends Error {
  constructor(readonly skipped: SkippedFile[]) {
    super(`${skipped.length} file${skipped.length === 1 ? " is" : "s are"} not indexable and --strict was given; the index was not changed:\n  ${skipped.map((skip) => `${skip.file}: ${skip.reason}`).join("\n  ")}`);
    this.name = "CorpusSkipsRefusedError";
  }
}

/**
 * The name of the build the pointer names; "" for a pointer that could lead out of the index
 * folder (IndexPointerError): never followed, so the build starts afresh and replaces it.
 */
async function pointedName(indexDir: string): Promise<string | undefined> {
  try {
    return await readPointer(indexDir);
  } catch (error) {
    if (error instanceof IndexPointerError) return "";
    throw error;
  }
}

/** The build the pointer names, its manifest read and verified once, or why it cannot be used. */
async function readPreviousBuild(indexDir: string): Promise<PreviousBuild | undefined> {
  const name = await pointedName(indexDir);
  if (name === "") return { name, problem: "the index pointer names no build inside the index folder" };
  if (!name) return undefined;
  try {
    return { name, manifest: await readManifest(buildPath(indexDir, name)) };
  } catch (error) {
    if (error instanceof IndexOutdatedError) return { name, problem: "the index was built by another version of Verbatim" };
    return { name, problem: `the previous index is damaged (${(error as Error).message})` };
  }
}

/** Why an otherwise reusable build cannot be kept as it is: the first of its files that is damaged. Hashes each file once. */
async function damage(indexDir: string, previous: { name: string; manifest: Manifest }): Promise<string | undefined> {
  const damaged = damagedFile(previous.manifest, await fileChecksums(buildPath(indexDir, previous.name)));
  return damaged && `the previous index is damaged (${damaged})`;
}

/**
 * Embeds `texts` (shortest first, so a batch pads little) and hands each vector to `put` with its
 * text's index: the caller copies it into its matrix at once, so the build never holds a separate
 * array per passage (at 180,000 passages those were ~90 MB at the build's peak).
 */
async function embedAll(embedder: Embedder, texts: string[], put: (i: number, vector: Float32Array) => void, progress?: ProgressReporter): Promise<void> {
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  progress?.start(texts.length);
  for (let offset = 0; offset < order.length; offset += EMBED_BATCH_SIZE) {
    const batch = order.slice(offset, offset + EMBED_BATCH_SIZE);
    const embedded = await embedder.embedDocuments(batch.map((i) => texts[i]!));
    batch.forEach((i, k) => put(i, embedded[k]!));
    progress?.update(Math.min(order.length, offset + batch.length));
  }
  progress?.stop();
}

/** A term's word vector from a previous build, when that build spelled it the same way. */
export type ReusedTermVector = (term: string, spelling: string) => Float32Array | undefined;

/** The corpus's terms with word vectors, reusing the previous build's where the spelling is the same. */
async function buildVocabulary(spellings: Map<string, string>, names: ReadonlySet<string>, reused: ReusedTermVector, getEmbedder: () => Promise<Embedder>): Promise<Vocabulary> {
  const terms = [...spellings.keys()];
  const rows: (Float32Array | undefined)[] = terms.map((term) => reused(term, spellings.get(term)!));
  const missing = terms.map((_, i) => i).filter((i) => !rows[i]);
  if (missing.length > 0) {
    const embedder = await getEmbedder();
    for (let offset = 0; offset < missing.length; offset += VOCABULARY_BATCH_SIZE) {
      const batch = missing.slice(offset, offset + VOCABULARY_BATCH_SIZE);
      const vectors = await embedder.embedDocuments(batch.map((i) => spellings.get(terms[i]!)!));
      batch.forEach((i, k) => (rows[i] = vectors[k]));
    }
  }
  const dimensions = rows[0]?.length ?? 1;
  return makeVocabulary(terms, terms.map((term) => spellings.get(term)!), rows as Float32Array[], dimensions, names);
}

/** The reusable word vectors of a loaded build. */
export function vocabularyVectors(vocabulary: Vocabulary | undefined): ReusedTermVector {
  return (term, spelling) => {
    const old = vocabulary?.row.get(term);
    if (old === undefined || vocabulary!.spellings[old] !== spelling) return undefined;
    const d = vocabulary!.dimensions;
    return vocabulary!.vectors.slice(old * d, (old + 1) * d);
  };
}

/** A build's contents in memory, whichever store it is written to. */
export interface AssembledBuild {
  passages: Passage[];
  /** Passage vectors, row-major, in passage order. */
  vectorRows: Float32Array;
  dimensions: number;
  vocabulary: Vocabulary;
  sentenceTerms: SentenceTerms;
  keyword: KeywordIndex;
  /** How many passages were embedded (the rest reused). */
  embedded: number;
}

/**
 * Everything a new build holds, from its articles: passage vectors (a passage of an unchanged
 * article keeps the vector `reusedVector` gives, the rest are embedded), the sentence terms, the
 * vocabulary with word vectors and the BM25 postings. Shared by the file and PostgreSQL stores.
 */
export async function assembleBuild(input: {
  articles: readonly Article[];
  passagesOf: ReadonlyMap<string, Passage[]>;
  /** A reusable vector of a passage of an unchanged article, or undefined. */
  reusedVector: (passage: Passage) => Float32Array | undefined;
  reusedTermVector: ReusedTermVector;
  getEmbedder: () => Promise<Embedder>;
  /** The vector size when nothing is embedded (all reused). */
  knownDimensions?: number;
  progress?: ProgressReporter;
}): Promise<AssembledBuild> {
  const { articles, getEmbedder } = input;
  const passages = articles.flatMap((article) => input.passagesOf.get(article.id)!);
  const bodies = new Map(articles.map((article) => [article.id, article.body]));
  const reused = passages.map((passage) => input.reusedVector(passage));
  const toEmbed = passages.map((_, i) => i).filter((i) => !reused[i]);
  const embedder = toEmbed.length > 0 ? await getEmbedder() : undefined;
  const dimensions = embedder?.dimensions ?? reused.find((vector) => vector)?.length ?? input.knownDimensions ?? 1;
  // All vectors in one float32 matrix, in passage order, each written as it is made or found.
  const vectorRows = new Float32Array(passages.length * dimensions);
  reused.forEach((vector, i) => vector && vectorRows.set(vector, i * dimensions));
  reused.length = 0;
  if (embedder) {
    const texts = toEmbed.map((i) => passageText(bodies.get(passages[i]!.articleId)!, passages[i]!));
    await embedAll(embedder, texts, (k, vector) => {
      if (vector.length !== dimensions) throw new Error(`the embedding model gave a vector of ${vector.length} values, not the ${dimensions} it announced`);
      vectorRows.set(vector, toEmbed[k]! * dimensions);
    }, input.progress);
  }

  const tokenised = tokeniseSentences(passages, bodies);
  const vocabulary = await buildVocabulary(tokenised.spellings, tokenised.names, input.reusedTermVector, getEmbedder);
  const renumber = Int32Array.from(tokenised.terms, (term) => vocabulary.row.get(term)!);
  const termIds = tokenised.ids;
  for (let i = 0; i < termIds.length; i++) termIds[i] = renumber[termIds[i]!]!;
  const sentenceTerms = new SentenceTerms(tokenised.sentenceEnds, termIds, passages);
  const keyword = KeywordIndex.fromTermIds(
    passages.length,
    (doc, visit) => passages[doc]!.sentences.forEach((_, k) => visit(sentenceTerms.of(doc, k))),
    vocabulary.row,
  );
  return { passages, vectorRows, dimensions, vocabulary, sentenceTerms, keyword, embedded: toEmbed.length };
}

async function writeBuild(folder: string, manifest: Omit<Manifest, "files">, articles: Article[], passages: Passage[], keyword: KeywordIndex, sentenceTerms: SentenceTerms, vectorRows: Float32Array, vocabulary: Vocabulary): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, BUILD_FILES.vectorRows), new Uint8Array(vectorRows.buffer, vectorRows.byteOffset, vectorRows.byteLength));
  await writeVectraIndex(join(folder, BUILD_FILES.vectors), passages, vectorRows, manifest.model.dimensions);
  await sentenceTerms.write(folder);
  await writeArticles(folder, articles);
  await writeFile(join(folder, BUILD_FILES.passages), encodePassages(passages, articles.map((article) => article.id)));
  await writeFile(join(folder, BUILD_FILES.keyword), keyword.toBytes());
  await writeVocabulary(folder, vocabulary);
  // The manifest is written last: a build folder without one was never finished.
  const complete: Manifest = { ...manifest, files: await fileChecksums(folder) };
  await writeFile(join(folder, BUILD_FILES.manifest), serializeManifest(complete));
}

/**
 * Validates the corpus, then builds a new index folder beside the old one, embedding only added or
 * changed articles, and switches readers to it with one atomic rename. On any error the index in
 * use is untouched. The previous manifest is read once (again only if another build switched the
 * index meanwhile), each corpus file is read and hashed once, and each file of the previous build
 * is hashed once: by the damage check when nothing changed, by loading it when its vectors are reused.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildReport> {
  let [previous, corpus] = await Promise.all([readPreviousBuild(options.indexDir), readCorpusFiles(options.corpusDir)]);
  let reason = fullRebuildReason(previous, options);
  const usable = (build: PreviousBuild | undefined) => (build && "manifest" in build ? build : undefined);
  // Nothing changed since the last build, and it is intact: done, without parsing an article or loading the model.
  if (!reason && sameFiles(usable(previous)!.manifest, corpus.files)) {
    reason = await damage(options.indexDir, usable(previous)!);
    if (!reason) {
      if (options.strict && corpus.skipped.length > 0) throw new CorpusSkipsRefusedError(corpus.skipped);
      return upToDateReport(usable(previous)!, corpus.skipped);
    }
  }
  const read = parseCorpus(corpus);
  corpus = { files: [], skipped: [] }; // the bytes are parsed: let them go
  if (read.errors.length > 0) throw new CorpusInvalidError(read.errors);
  const { articles, passagesOf, skipped } = quotableArticles(read.articles, read.skipped, options.passageSettings);
  if (options.strict && skipped.length > 0) throw new CorpusSkipsRefusedError(skipped);
  if (articles.length === 0) throw new Error(noArticlesMessage(options.corpusDir, skipped));
  let lock: BuildLock;
  try {
    await ensureIndexDir(options.indexDir);
    lock = await acquireBuildLock(options.indexDir);
  } catch (error) {
    throw explainWriteError(error, options.indexDir);
  }
  let written: string | undefined;
  try {
    if ((await pointedName(options.indexDir)) !== previous?.name) {
      // Another build switched the index while this one read the corpus: plan against that build.
      previous = await readPreviousBuild(options.indexDir);
      reason = fullRebuildReason(previous, options);
    }
    const last = usable(previous);
    const changes = articleChanges(last?.manifest.articles ?? {}, articles);
    const report = { ...changes, fullRebuildReason: reason, skipped };
    if (!reason && changesNothing(changes)) {
      reason = await damage(options.indexDir, last!);
      if (!reason) return upToDateReport(last!, skipped, changes);
      report.fullRebuildReason = reason;
    }

    // The previous build's vectors are reused for unchanged articles; loading it verifies every file it reads.
    let reusable: IndexSnapshot | undefined;
    if (!reason) {
      try {
        reusable = await loadBuild(buildPath(options.indexDir, last!.name), last!.name, last!.manifest);
      } catch (error) {
        if (!(error instanceof IndexCorruptError)) throw error;
        reason = report.fullRebuildReason = `the previous index is damaged (${error.problem})`;
      }
    }
    const reusedVectors = new Map<string, Float32Array>();
    if (reusable) {
      reusable.passages.forEach((passage, i) => reusedVectors.set(passage.id, reusable.matrix.data.subarray(i * reusable.dimensions, (i + 1) * reusable.dimensions)));
    }
    const reuseArticle = new Set(reusable ? changes.unchanged : []);
    let embedder: Embedder | undefined;
    const built = await assembleBuild({
      articles,
      passagesOf,
      reusedVector: (passage) => (reuseArticle.has(passage.articleId) ? reusedVectors.get(passage.id) : undefined),
      reusedTermVector: vocabularyVectors(reusable?.vocabulary),
      getEmbedder: async () => (embedder ??= await options.loadEmbedder()),
      knownDimensions: reusable?.dimensions,
      progress: options.progress,
    });
    reusedVectors.clear();
    const { passages, keyword, sentenceTerms, vectorRows, vocabulary, dimensions } = built;

    const buildId = newBuildName();
    const manifest = newManifest(buildId, options, dimensions, articles, passages, new Date());
    written = buildId;
    await writeBuild(buildPath(options.indexDir, buildId), manifest, articles, passages, keyword, sentenceTerms, vectorRows, vocabulary);
    await lock.assertHeld();
    await switchPointer(options.indexDir, buildId);
    written = undefined;
    // Kept: the new build and the good one it replaced (readers may still be loading it); nothing else.
    await removeOldBuilds(options.indexDir, [buildId, last?.name]);
    return { ...report, buildId, rebuilt: true, passages: passages.length, embedded: built.embedded };
  } catch (error) {
    // A build that never became current is removed at once, so it can never be taken for a good one.
    if (written) await rm(buildPath(options.indexDir, written), { recursive: true, force: true }).catch(() => undefined);
    throw explainWriteError(error, options.indexDir);
  } finally {
    await lock.release();
  }
}
