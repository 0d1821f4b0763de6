import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { LOCK_FILE } from "./layout.js";

/** The file inside the lock directory naming the build that holds it. */
const OWNER_FILE = "owner.json";
/** A lock directory younger than this without an owner file is still being taken, not abandoned. */
const OWNERLESS_GRACE_MS = 10_000;
/**
 * Breaking an abandoned lock is itself serialised by a short-lived lock (proper-lockfile: an atomic
 * mkdir with an mtime deadline), so two builds that find the same dead owner cannot both take over.
 */
const BREAKER_STALE_MS = 10_000;

/** Who holds a build lock. */
interface Owner {
  pid: number;
  host: string;
  nonce: string;
  started: string;
}

/** Another build holds the lock. */
export class BuildLockedError extends Error {
  constructor(indexDir: string, owner: Owner | undefined) {
    const who = owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.started})` : "";
    super(`Another index build${who} is running on ${indexDir}: wait for it to finish, then run \`npm run index\` again. If no build is running, delete ${join(indexDir, LOCK_FILE)}.`);
    this.name = "BuildLockedError";
  }
}

/** A held build lock. */
export interface BuildLock {
  release(): Promise<void>;
  /** Throws if the lock is no longer this build's: the build must then not touch the index. */
  assertHeld(): Promise<void>;
}

/** Whether a process with this pid is running on this machine. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOwner(lockDir: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(lockDir, OWNER_FILE), "utf8")) as Owner;
    return Number.isInteger(owner.pid) && typeof owner.nonce === "string" ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock as found was left by a build that no longer runs (on this machine). */
async function isAbandoned(lockDir: string, owner: Owner | undefined): Promise<boolean> {
  if (owner) return owner.host === hostname() && owner.pid !== process.pid && !isRunning(owner.pid);
  const made = await stat(lockDir).then((stats) => stats.mtimeMs, () => undefined);
  return made !== undefined && Date.now() - made > OWNERLESS_GRACE_MS;
}

/** Earlier versions kept the lock as a plain file holding a pid; such a file left by a dead build is removed. */
async function removeLegacyLock(path: string, indexDir: string): Promise<void> {
  const stats = await stat(path).catch(() => undefined);
  if (!stats?.isFile()) return;
  const pid = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
  if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) throw new BuildLockedError(indexDir, undefined);
  await rm(path, { force: true });
}

/** Creates the lock directory with one atomic mkdir and writes its owner; false when it exists. */
async function tryTake(lockDir: string, owner: Owner): Promise<boolean> {
  try {
    await mkdir(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  await writeFile(join(lockDir, OWNER_FILE), JSON.stringify(owner));
  return true;
}

/**
 * Takes the build lock of an index folder, or throws BuildLockedError. The lock is a directory
 * made by one atomic mkdir (only one process can create it), holding its owner's pid. A lock whose
 * owner has died is taken over, under a second short lock so that only one waiting build does so.
 */
export async function acquireBuildLock(indexDir: string): Promise<BuildLock> {
  const lockDir = join(indexDir, LOCK_FILE);
  await removeLegacyLock(lockDir, indexDir);
  const owner: Owner = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString("hex"), started: new Date().toISOString() };
  if (!(await tryTake(lockDir, owner))) {
    const found = await readOwner(lockDir);
    if (!(await isAbandoned(lockDir, found))) throw new BuildLockedError(indexDir, found);
    let releaseBreaker: () => Promise<void>;
    try {
      releaseBreaker = await lockfile.lock(indexDir, { lockfilePath: `${lockDir}.breaking`, realpath: false, stale: BREAKER_STALE_MS, retries: 0 });
    } catch {
      throw new BuildLockedError(indexDir, found);
    }
    try {
      // Still the same abandoned lock? (Another build may have broken it and taken it meanwhile.)
      const now = await readOwner(lockDir);
      if (now?.nonce !== found?.nonce || !(await isAbandoned(lockDir, now))) throw new BuildLockedError(indexDir, now);
      await rm(lockDir, { recursive: true, force: true });
      if (!(await tryTake(lockDir, owner))) throw new BuildLockedError(indexDir, await readOwner(lockDir));
    } finally {
      await releaseBreaker().catch(() => undefined);
    }
  }
  const held = async () => (await readOwner(lockDir))?.nonce === owner.nonce;
  return {
    release: async () => {
      if (await held()) await rm(lockDir, { recursive: true, force: true });
    },
    assertHeld: async () => {
      if (!(await held())) throw new Error(`The build lock ${lockDir} was taken by another build while this one ran; this build was abandoned and the index in use was not changed.`);
    },
  };
}
