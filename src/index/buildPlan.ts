/**
 * What a build must do, decided without I/O: whether the index is up to date with the corpus,
 * why every passage must be embedded again, which articles are new, changed or gone, and the new
 * build's manifest. build.ts reads what these need (once) and writes what they decide.
 */
import type { Article } from "../corpus/article.js";
import type { SkippedFile } from "../corpus/loadCorpus.js";
import { buildPassages, type Passage, type PassageSettings } from "../passages/passages.js";
import { INDEX_FORMAT_VERSION, type Manifest } from "./manifest.js";

/** The build the index pointer names, with its verified manifest, or why it cannot be used. */
export type PreviousBuild = { name: string; manifest: Manifest } | { name: string; problem: string };

/** What a build is asked for: the model, the passage settings, and the operator's flags. */
export interface BuildSettings {
  modelId: string;
  modelKey: string;
  passageSettings: PassageSettings;
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

/** Which articles a build adds, changes, removes or keeps, against the previous build's record. */
export interface ArticleChanges {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

/** One line for people per file a build left out: "skipped scan.md: looks like a PNG image, …". */
export function skippedLines(report: Pick<BuildReport, "skipped">): string[] {
  return report.skipped.map((skip) => `skipped ${skip.file}: ${skip.reason}`);
}

/** One line for people: "1 added, 1 changed, 0 removed, 4 unchanged, 2 skipped". */
export function summarize(report: BuildReport): string {
  const skipped = report.skipped.length > 0 ? `, ${report.skipped.length} skipped` : "";
  return `${report.added.length} added, ${report.changed.length} changed, ${report.removed.length} removed, ${report.unchanged.length} unchanged${skipped}`;
}

/**
 * Why none of the previous build can be reused, so that every passage is embedded again, or
 * undefined when its vectors can be. (Whether its files are intact is checked as they are read.)
 */
export function fullRebuildReason(previous: PreviousBuild | undefined, settings: BuildSettings): string | undefined {
  if (!previous) return "no usable previous index";
  if (!("manifest" in previous)) return previous.problem;
  if (settings.force) return "a full rebuild was asked for";
  const { manifest } = previous;
  if (manifest.model.key !== settings.modelKey) return `the model changed (${manifest.model.id} → ${settings.modelId})`;
  if (JSON.stringify(manifest.passageSettings) !== JSON.stringify(settings.passageSettings)) return "the passage settings changed";
  return undefined;
}

/** Whether the corpus's article files are exactly those a build recorded: the same names with the same sha256. */
export function sameFiles(manifest: Manifest, files: readonly { file: string; hash: string }[]): boolean {
  const recorded = Object.values(manifest.articles);
  if (files.length !== recorded.length) return false;
  const hashOf = new Map(files.map((file) => [file.file, file.hash]));
  return recorded.every((article) => hashOf.get(article.file) === article.hash);
}

/** The first data file of a build whose sha256 is not the one its manifest records, or undefined. */
export function damagedFile(manifest: Manifest, checksums: Readonly<Record<string, string>>): string | undefined {
  return Object.keys(checksums).find((file) => checksums[file] !== manifest.files[file]);
}

/** Why a file with no quotable sentence is left out. */
const NO_QUOTABLE_SENTENCE = "no quotable sentence in its text (is it markup or a list of figures?)";

/**
 * The articles that have passages, their passages, and every file left out (those read as
 * articles with no quotable sentence added to `skipped`), sorted by file. An article with no
 * quotable sentence (HTML pasted into Markdown, a table of figures) would be indexed as nothing
 * and never answer: it is skipped, and said so.
 */
export function quotableArticles(read: readonly Article[], skipped: readonly SkippedFile[], settings: PassageSettings): { articles: Article[]; passagesOf: Map<string, Passage[]>; skipped: SkippedFile[] } {
  const passagesOf = new Map(read.map((article) => [article.id, buildPassages(article.id, article.body, settings)]));
  const articles = read.filter((article) => passagesOf.get(article.id)!.length > 0);
  const left = [...skipped, ...read.filter((article) => passagesOf.get(article.id)!.length === 0).map((article) => ({ file: article.file, reason: NO_QUOTABLE_SENTENCE }))];
  left.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { articles, passagesOf, skipped: left };
}

/** The message when the corpus holds no indexable article, naming a few of the files left out. */
export function noArticlesMessage(corpusDir: string, skipped: readonly SkippedFile[]): string {
  const why = skipped.length > 0 ? ` (${skipped.length} file${skipped.length === 1 ? "" : "s"} skipped: ${skipped.slice(0, 3).map((skip) => `${skip.file}: ${skip.reason}`).join("; ")})` : "";
  return `The corpus folder ${corpusDir} has no articles${why}: add one .md, .txt or .html file per article (see README), then run \`npm run index\`.`;
}

/** Which articles are new, changed (another hash), gone or the same, against the previous build's record. */
export function articleChanges(previous: Manifest["articles"], articles: readonly Article[]): ArticleChanges {
  const current = new Set(articles.map((article) => article.id));
  return {
    added: articles.filter((article) => !previous[article.id]).map((article) => article.id),
    changed: articles.filter((article) => previous[article.id] && previous[article.id]!.hash !== article.hash).map((article) => article.id),
    removed: Object.keys(previous).filter((id) => !current.has(id)),
    unchanged: articles.filter((article) => previous[article.id]?.hash === article.hash).map((article) => article.id),
  };
}

/** Whether the changes leave the index as it is. */
export function changesNothing(changes: ArticleChanges): boolean {
  return changes.added.length === 0 && changes.changed.length === 0 && changes.removed.length === 0;
}

/** The report of a build that found the index up to date and wrote nothing. */
export function upToDateReport(previous: { name: string; manifest: Manifest }, skipped: SkippedFile[], changes?: ArticleChanges): BuildReport {
  const unchanged = changes?.unchanged ?? Object.keys(previous.manifest.articles);
  return { buildId: previous.name, rebuilt: false, added: [], changed: [], removed: [], unchanged, fullRebuildReason: undefined, passages: previous.manifest.counts.passages, embedded: 0, skipped };
}

/** The manifest of a new build, without the checksums of its files (added once they are written). */
export function newManifest(buildId: string, settings: BuildSettings, dimensions: number, articles: readonly Article[], passages: readonly Passage[], builtAt: Date): Omit<Manifest, "files"> {
  const passageCounts = new Map<string, number>();
  for (const passage of passages) passageCounts.set(passage.articleId, (passageCounts.get(passage.articleId) ?? 0) + 1);
  return {
    formatVersion: INDEX_FORMAT_VERSION,
    buildId,
    model: { id: settings.modelId, key: settings.modelKey, dimensions: Math.max(1, dimensions) },
    passageSettings: { ...settings.passageSettings },
    builtAt: builtAt.toISOString(),
    counts: { articles: articles.length, passages: passages.length },
    articles: Object.fromEntries(articles.map((article) => [article.id, { hash: article.hash, file: article.file, passages: passageCounts.get(article.id) ?? 0 }])),
  };
}
