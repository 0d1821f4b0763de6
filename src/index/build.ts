import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Article } from "../corpus/article.js";
import type { CorpusFileError } from "../corpus/frontMatter.js";
import { corpusFingerprints, readCorpus, type SkippedFile } from "../corpus/loadCorpus.js";
import { EMBED_BATCH_SIZE, type Embedder } from "../embeddings/embedder.js";
import { buildPassages, passageText, type Passage, type PassageSettings } from "../passages/passages.js";
import { makeVocabulary, writeVocabulary, type Vocabulary } from "./vocabulary.js";
import { tokeniseSentences } from "./tokenise.js";
import { writeArticles } from "./articleStore.js";
import { encodePassages } from "./passageStore.js";
import { writeVectraIndex } from "./vectraFile.js";
import { KeywordIndex } from "./keyword.js";
import { SentenceTerms } from "./sentenceTerms.js";
import { BUILD_FILES, buildPath, ensureIndexDir, fileChecksums, newBuildName, readPointer, removeOldBuilds, switchPointer } from "./layout.js";
import { acquireBuildLock, type BuildLock } from "./lock.js";
import { INDEX_FORMAT_VERSION, serializeManifest, type Manifest } from "./manifest.js";
import { IndexOutdatedError, loadBuild, readManifest, type IndexSnapshot } from "./snapshot.js";
import { explainWriteError } from "./writeErrors.js";

/** Words per model call when embedding the vocabulary: single words are short, so batches can be big. */
const VOCABULARY_BATCH_SIZE = 256;

/** Reports embedding progress; the CLI shows a bar on a terminal and plain lines elsewhere. */
export interface ProgressReporter {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

/** What `buildIndex` needs. The model is loaded lazily: a build with nothing to embed never loads it. */
export interface BuildOptions {
  corpusDir: string;
  indexDir: string;
  passageSettings: PassageSettings;
  modelId: string;
  modelKey: string;
  loadEmbedder: () => Promise<Embedder>;
  progress?: ProgressReporter;
  /** Re-embed everything even if nothing changed. */
  force?: boolean;
  /** Refuse to build when any file would be skipped (`npm run index -- --strict`). */
  strict?: boolean;
}

/** What a build did. */
export interface BuildReport {
  buildId: string;
  /** False when the index already matched the corpus and nothing was written. */
  rebuilt: boolean;
  /** Why everything was re-embedded, when it was. */
  fullRebuildReason?: string;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  passages: number;
  embedded: number;
  /** Files under the corpus folder that are not indexed, with why. */
  skipped: SkippedFile[];
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

/** One line for people: "1 added, 1 changed, 0 removed, 4 unchanged, 2 skipped". */
export function summarize(report: BuildReport): string {
  const skipped = report.skipped.length > 0 ? `, ${report.skipped.length} skipped` : "";
  return `${report.added.length} added, ${report.changed.length} changed, ${report.removed.length} removed, ${report.unchanged.length} unchanged${skipped}`;
}

/** The build the pointer names, with its verified manifest, or why it cannot be used. */
type PreviousBuild = { name: string; manifest: Manifest } | { name: string; problem: string };

async function readPreviousManifest(indexDir: string): Promise<PreviousBuild | undefined> {
  const name = await readPointer(indexDir);
  if (!name) return undefined;
  try {
    return { name, manifest: await readManifest(buildPath(indexDir, name)) };
  } catch (error) {
    if (error instanceof IndexOutdatedError) return { name, problem: "the index was built by another version of Verbatim" };
    return { name, problem: `the previous index is damaged (${(error as Error).message})` };
  }
}

/**
 * The no-change case without parsing: every article file has the name and content hash the last
 * build recorded, and that build is intact. Returns its report, or undefined to build normally.
 */
async function unchangedSinceLastBuild(options: BuildOptions): Promise<BuildReport | undefined> {
  const previous = await readPreviousManifest(options.indexDir);
  if (!previous || !("manifest" in previous) || options.force) return undefined;
  const recorded = Object.entries(previous.manifest.articles);
  const [{ fingerprints, skipped }, reason] = await Promise.all([corpusFingerprints(options.corpusDir), incompatibility(previous, options)]);
  if (reason || fingerprints.size !== recorded.length) return undefined;
  if (!recorded.every(([, article]) => fingerprints.get(article.file) === article.hash)) return undefined;
  const ids = recorded.map(([id]) => id);
  if (options.strict && skipped.length > 0) throw new CorpusSkipsRefusedError(skipped);
  return { buildId: previous.name, rebuilt: false, added: [], changed: [], removed: [], unchanged: ids, fullRebuildReason: undefined, passages: previous.manifest.counts.passages, embedded: 0, skipped };
}

async function incompatibility(previous: PreviousBuild | undefined, options: BuildOptions): Promise<string | undefined> {
  if (!previous) return "no usable previous index";
  if (!("manifest" in previous)) return previous.problem;
  const { manifest } = previous;
  if (options.force) return "a full rebuild was asked for";
  if (manifest.model.key !== options.modelKey) return `the model changed (${manifest.model.id} → ${options.modelId})`;
  if (JSON.stringify(manifest.passageSettings) !== JSON.stringify(options.passageSettings)) return "the passage settings changed";
  const sums = await fileChecksums(buildPath(options.indexDir, previous.name));
  const damaged = Object.keys(sums).find((file) => sums[file] !== manifest.files[file]);
  if (damaged) return `the previous index is damaged (${damaged})`;
  return undefined;
}

async function embedAll(embedder: Embedder, texts: string[], progress?: ProgressReporter): Promise<Float32Array[]> {
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const vectors: Float32Array[] = new Array(texts.length);
  progress?.start(texts.length);
  for (let offset = 0; offset < order.length; offset += EMBED_BATCH_SIZE) {
    const batch = order.slice(offset, offset + EMBED_BATCH_SIZE);
    const embedded = await embedder.embedDocuments(batch.map((i) => texts[i]!));
    batch.forEach((i, k) => (vectors[i] = embedded[k]!));
    progress?.update(Math.min(order.length, offset + batch.length));
  }
  progress?.stop();
  return vectors;
}

/** The corpus's terms with word vectors, reusing the previous build's where the spelling is the same. */
async function buildVocabulary(spellings: Map<string, string>, names: ReadonlySet<string>, previous: IndexSnapshot | undefined, getEmbedder: () => Promise<Embedder>): Promise<Vocabulary> {
  const terms = [...spellings.keys()];
  const rows: (Float32Array | undefined)[] = terms.map((term) => {
    const old = previous?.vocabulary.row.get(term);
    if (old === undefined || previous!.vocabulary.spellings[old] !== spellings.get(term)) return undefined;
    const d = previous!.vocabulary.dimensions;
    return previous!.vocabulary.vectors.slice(old * d, (old + 1) * d);
  });
  const missing = terms.map((_, i) => i).filter((i) => !rows[i]);
  if (missing.length > 0) {
    const embedder = await getEmbedder();
    for (let offset = 0; offset < missing.length; offset += VOCABULARY_BATCH_SIZE) {
      const batch = missing.slice(offset, offset + VOCABULARY_BATCH_SIZE);
      const vectors = await embedder.embedDocuments(batch.map((i) => spellings.get(terms[i]!)!));
      batch.forEach((i, k) => (rows[i] = vectors[k]));
    }
  }
  const dimensions = rows[0]?.length ?? previous?.dimensions ?? 1;
  return makeVocabulary(terms, terms.map((term) => spellings.get(term)!), rows as Float32Array[], dimensions, names);
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
 * use is untouched.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const unchanged = await unchangedSinceLastBuild(options);
  if (unchanged) return unchanged;
  const read = await readCorpus(options.corpusDir);
  if (read.errors.length > 0) throw new CorpusInvalidError(read.errors);
  // An article with no quotable sentence (HTML pasted into Markdown, a table of figures) would
  // be indexed as nothing and never answer: it is skipped, and said so.
  const passagesOf = new Map(read.articles.map((article) => [article.id, buildPassages(article.id, article.body, options.passageSettings)]));
  const articles = read.articles.filter((article) => passagesOf.get(article.id)!.length > 0);
  const skipped = [
    ...read.skipped,
    ...read.articles.filter((article) => passagesOf.get(article.id)!.length === 0).map((article) => ({ file: article.file, reason: "no quotable sentence in its text (is it markup or a list of figures?)" })),
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (options.strict && skipped.length > 0) throw new CorpusSkipsRefusedError(skipped);
  if (articles.length === 0) {
    const why = skipped.length > 0 ? ` (${skipped.length} file${skipped.length === 1 ? "" : "s"} skipped: ${skipped.slice(0, 3).map((skip) => `${skip.file}: ${skip.reason}`).join("; ")})` : "";
    throw new Error(`The corpus folder ${options.corpusDir} has no articles${why}: add one .md, .txt or .html file per article (see README), then run \`npm run index\`.`);
  }
  let lock: BuildLock;
  try {
    await ensureIndexDir(options.indexDir);
    lock = await acquireBuildLock(options.indexDir);
  } catch (error) {
    throw explainWriteError(error, options.indexDir);
  }
  let written: string | undefined;
  try {
    const previous = await readPreviousManifest(options.indexDir);
    const reason = await incompatibility(previous, options);
    const usable = previous && "manifest" in previous ? previous : undefined;
    const old = usable?.manifest.articles ?? {};
    const currentIds = new Set(articles.map((article) => article.id));
    const added = articles.filter((article) => !old[article.id]).map((article) => article.id);
    const changed = articles.filter((article) => old[article.id] && old[article.id]!.hash !== article.hash).map((article) => article.id);
    const unchanged = articles.filter((article) => old[article.id]?.hash === article.hash).map((article) => article.id);
    const removed = Object.keys(old).filter((id) => !currentIds.has(id));
    const report = { added, changed, removed, unchanged, fullRebuildReason: reason, skipped };
    if (!reason && added.length === 0 && changed.length === 0 && removed.length === 0) {
      return { ...report, buildId: usable!.name, rebuilt: false, passages: usable!.manifest.counts.passages, embedded: 0 };
    }

    let reusable: IndexSnapshot | undefined;
    if (!reason) reusable = await loadBuild(buildPath(options.indexDir, usable!.name), usable!.name).catch(() => undefined);
    const reusedVectors = new Map<string, Float32Array>();
    if (reusable) {
      reusable.passages.forEach((passage, i) => reusedVectors.set(passage.id, reusable.matrix.data.subarray(i * reusable.dimensions, (i + 1) * reusable.dimensions)));
    }
    const reuseArticle = new Set(reusable ? unchanged : []);

    const passages = articles.flatMap((article) => passagesOf.get(article.id)!);
    const bodies = new Map(articles.map((article) => [article.id, article.body]));
    const toEmbed = passages.map((_, i) => i).filter((i) => !reuseArticle.has(passages[i]!.articleId) || !reusedVectors.has(passages[i]!.id));
    let embedder: Embedder | undefined;
    const getEmbedder = async () => (embedder ??= await options.loadEmbedder());
    let fresh: Float32Array[] = [];
    if (toEmbed.length > 0) fresh = await embedAll(await getEmbedder(), toEmbed.map((i) => passageText(bodies.get(passages[i]!.articleId)!, passages[i]!)), options.progress);
    const dimensions = embedder?.dimensions ?? reusable?.dimensions ?? fresh[0]?.length ?? 1;
    // All vectors in one float32 matrix, in passage order; the per-passage arrays can then go.
    const vectorRows = new Float32Array(passages.length * dimensions);
    toEmbed.forEach((row, k) => vectorRows.set(fresh[k]!, row * dimensions));
    fresh = [];
    passages.forEach((passage, i) => {
      const reused = reuseArticle.has(passage.articleId) ? reusedVectors.get(passage.id) : undefined;
      if (reused) vectorRows.set(reused, i * dimensions);
    });
    reusedVectors.clear();

    const tokenised = tokeniseSentences(passages, bodies);
    const vocabulary = await buildVocabulary(tokenised.spellings, tokenised.names, reason ? undefined : reusable, getEmbedder);
    const renumber = Int32Array.from(tokenised.terms, (term) => vocabulary.row.get(term)!);
    const termIds = tokenised.ids;
    for (let i = 0; i < termIds.length; i++) termIds[i] = renumber[termIds[i]!]!;
    const sentenceTerms = new SentenceTerms(tokenised.sentenceEnds, termIds, passages);
    const keyword = KeywordIndex.fromTermIds(
      passages.length,
      (doc, visit) => passages[doc]!.sentences.forEach((_, k) => visit(sentenceTerms.of(doc, k))),
      vocabulary.row,
    );

    const passageCounts = new Map<string, number>();
    for (const passage of passages) passageCounts.set(passage.articleId, (passageCounts.get(passage.articleId) ?? 0) + 1);
    const buildId = newBuildName();
    const manifest: Omit<Manifest, "files"> = {
      formatVersion: INDEX_FORMAT_VERSION,
      buildId,
      model: { id: options.modelId, key: options.modelKey, dimensions: Math.max(1, dimensions) },
      passageSettings: { ...options.passageSettings },
      builtAt: new Date().toISOString(),
      counts: { articles: articles.length, passages: passages.length },
      articles: Object.fromEntries(articles.map((article) => [article.id, { hash: article.hash, file: article.file, passages: passageCounts.get(article.id) ?? 0 }])),
    };
    written = buildId;
    await writeBuild(buildPath(options.indexDir, buildId), manifest, articles, passages, keyword, sentenceTerms, vectorRows, vocabulary);
    await lock.assertHeld();
    await switchPointer(options.indexDir, buildId);
    written = undefined;
    // Kept: the new build and the good one it replaced (readers may still be loading it); nothing else.
    await removeOldBuilds(options.indexDir, [buildId, usable?.name]);
    return { ...report, buildId, rebuilt: true, passages: passages.length, embedded: toEmbed.length };
  } catch (error) {
    // A build that never became current is removed at once, so it can never be taken for a good one.
    if (written) await rm(buildPath(options.indexDir, written), { recursive: true, force: true }).catch(() => undefined);
    throw explainWriteError(error, options.indexDir);
  } finally {
    await lock.release();
  }
}
