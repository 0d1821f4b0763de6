import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { lstat, mkdir, readFile, readdir, realpath, rename, rm, writeFile } from "node:fs/promises";
import { join, sep } from "node:path";
import { IndexPointerError } from "./errors.js";

/**
 * An index folder holds complete builds side by side and a pointer to the one in use:
 *
 *   INDEX_DIR/current          the name of the build in use (replaced atomically by rename)
 *   INDEX_DIR/builds/<name>/   one complete build: manifest.json, articles.json, …, vectors/
 *   INDEX_DIR/build.lock/      present while `npm run index` runs: a directory naming its owner (lock.ts)
 */
export const POINTER_FILE = "current";
export const BUILDS_DIR = "builds";
export const LOCK_FILE = "build.lock";

/** Files of one build folder. */
export const BUILD_FILES = {
  manifest: "manifest.json",
  articles: "articles.json",
  /** Article bodies, UTF-16, in articles.json's order. */
  bodies: "bodies.utf16",
  /** Passages and their sentence spans, binary (passageStore.ts). */
  passages: "passages.bin",
  keyword: "keyword.bin",
  vocabulary: "vocabulary.json",
  vocabularyVectors: "vocabulary.bin",
  /** vectra's LocalIndex folder (its `index.json`): the passage vectors in vectra's format. */
  vectors: "vectors",
  /** The same vectors as float32 rows in passage order: what the bot loads (no JSON to parse). */
  vectorRows: "vectors.f32",
  /** Each passage sentence's content terms as vocabulary ids. */
  sentenceTerms: "sentence-terms.bin",
} as const;

/** The data files of a build whose checksums the manifest records (vectra's file included). */
export const CHECKED_FILES = [BUILD_FILES.articles, BUILD_FILES.bodies, BUILD_FILES.passages, BUILD_FILES.keyword, BUILD_FILES.vocabulary, BUILD_FILES.vocabularyVectors, BUILD_FILES.vectorRows, BUILD_FILES.sentenceTerms, `${BUILD_FILES.vectors}/index.json`] as const;

/** sha256 of a file, hex, read as a stream (the event loop stays free; any size). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

/** sha256 of each checked file of a build folder; a missing file gets "missing". */
export async function fileChecksums(folder: string): Promise<Record<string, string>> {
  const hashes = await Promise.all(CHECKED_FILES.map((file) => fileSha256(join(folder, file)).catch(() => "missing")));
  return Object.fromEntries(CHECKED_FILES.map((file, i) => [file, hashes[i]!]));
}

/** A new, unique, sortable build folder name. */
export function newBuildName(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, "").replace("T", "-").replace("Z", "")}-${randomBytes(3).toString("hex")}`;
}

/**
 * What a build name may be: one plain folder name, as newBuildName makes them (letters, digits,
 * `-` and `_`), so that no name can lead out of the builds folder (`..`, `/etc`, `a/../../b`).
 */
const BUILD_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** The folder of a named build; throws for a name that is not one plain folder name. */
export function buildPath(indexDir: string, name: string): string {
  if (!BUILD_NAME.test(name)) throw new IndexPointerError(indexDir, `its pointer names "${name}", which is not one folder name in ${BUILDS_DIR}/ (letters, digits, - and _)`);
  return join(indexDir, BUILDS_DIR, name);
}

/**
 * The name of the build in use, or undefined when there is none yet. The pointer is refused
 * (IndexPointerError) when it could lead outside the index folder: a name that is not one plain
 * folder name, a pointer file that is a symbolic link, or a build folder that is a symbolic link
 * to somewhere outside INDEX_DIR/builds.
 */
export async function readPointer(indexDir: string): Promise<string | undefined> {
  const pointer = join(indexDir, POINTER_FILE);
  let name: string;
  try {
    if ((await lstat(pointer)).isSymbolicLink()) throw new IndexPointerError(indexDir, `its pointer ${POINTER_FILE} is a symbolic link, not the file \`npm run index\` writes`);
    name = (await readFile(pointer, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (name === "") return undefined;
  const folder = buildPath(indexDir, name);
  const link = await lstat(folder).catch(() => undefined);
  if (link?.isSymbolicLink()) {
    const [target, builds] = await Promise.all([realpath(folder).catch(() => folder), realpath(join(indexDir, BUILDS_DIR))]);
    if (!target.startsWith(builds + sep)) throw new IndexPointerError(indexDir, `its pointer names ${BUILDS_DIR}/${name}, a symbolic link to ${target}, outside the index folder`);
  }
  return name;
}

/** Points readers at a build: writes a temporary pointer and renames it over the old one. */
export async function switchPointer(indexDir: string, name: string): Promise<void> {
  const temporary = join(indexDir, `${POINTER_FILE}.${process.pid}.tmp`);
  await writeFile(temporary, `${name}\n`);
  await rename(temporary, join(indexDir, POINTER_FILE));
}

/**
 * Deletes every build folder except those named in `keep` (the new build and the one it replaced,
 * so a reader that just read the old pointer still finds its build) and the one the pointer names
 * now. Half-written builds (a failed or killed build) are never kept, so they can never count as
 * "previous" while a good build is deleted. Called with the build lock held.
 */
export async function removeOldBuilds(indexDir: string, keep: Iterable<string | undefined>): Promise<void> {
  const kept = new Set([...keep, await readPointer(indexDir).catch(() => undefined)].filter((name): name is string => name !== undefined));
  const buildsDir = join(indexDir, BUILDS_DIR);
  for (const name of await readdir(buildsDir).catch(() => [] as string[])) {
    if (!kept.has(name)) await rm(join(buildsDir, name), { recursive: true, force: true });
  }
}

/** Creates the folders an index needs. */
export async function ensureIndexDir(indexDir: string): Promise<void> {
  await mkdir(join(indexDir, BUILDS_DIR), { recursive: true });
}
