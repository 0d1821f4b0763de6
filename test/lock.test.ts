import { spawn, spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";
import { BUILDS_DIR, LOCK_FILE, removeOldBuilds, switchPointer } from "../src/index/layout.js";
import { acquireBuildLock, BuildLockedError } from "../src/index/lock.js";
import { tempDir } from "./helpers.js";

/** Runs lock workers that all try to take the lock at the same moment; resolves with their outcomes. */
async function raceWorkers(indexDir: string, count: number, holdMs: number): Promise<string[]> {
  // Far enough ahead that every worker has started (tsx start-up) before the moment comes.
  const startAt = Date.now() + 4_000;
  const runs = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/lockWorker.ts", indexDir, String(startAt), String(holdMs)], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += String(chunk)));
    return new Promise<string>((resolve) => child.on("exit", () => resolve(out.trim() === "" ? "no output" : (JSON.parse(out.trim()) as { outcome: string }).outcome)));
  });
  return Promise.all(runs);
}

/** When each worker that got the lock held it. */
async function holders(indexDir: string): Promise<{ pid: number; got: number; released: number }[]> {
  const lines = (await readFile(join(indexDir, "holders.log"), "utf8")).trim().split("\n");
  return lines.map((line) => JSON.parse(line) as { pid: number; got: number; released: number }).sort((a, b) => a.got - b.got);
}

/** No two holders' intervals overlap: the lock was never held twice at once. */
function expectNoOverlap(held: { got: number; released: number }[]): void {
  expect(held.length).toBeGreaterThanOrEqual(1);
  for (let i = 1; i < held.length; i++) expect(held[i]!.got, JSON.stringify(held)).toBeGreaterThanOrEqual(held[i - 1]!.released);
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("the build lock", () => {
  it("is held by exactly one of many builds that start at the same moment, in separate processes", async () => {
    const indexDir = await tempDir("verbatim-lock-");
    const outcomes = await raceWorkers(indexDir, 8, 1_500);
    expect(outcomes.every((outcome) => outcome === "got" || outcome === "locked"), outcomes.join(", ")).toBe(true);
    expectNoOverlap(await holders(indexDir));
  });

  it("is held by exactly one of many takers in one process, and is free again once released", async () => {
    const indexDir = await tempDir("verbatim-lock-");
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => acquireBuildLock(indexDir)));
    const held = attempts.filter((attempt) => attempt.status === "fulfilled");
    expect(held).toHaveLength(1);
    for (const attempt of attempts) if (attempt.status === "rejected") expect(attempt.reason).toBeInstanceOf(BuildLockedError);
    await (held[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireBuildLock>>>).value.release();
    const again = await acquireBuildLock(indexDir);
    await again.release();
  });

  it("says who holds it and what to do", async () => {
    const indexDir = await tempDir("verbatim-lock-");
    const lock = await acquireBuildLock(indexDir);
    await expect(acquireBuildLock(indexDir)).rejects.toThrow(new RegExp(`Another index build \\(pid ${process.pid} on .*\\) is running on .*: wait for it to finish, then run \`npm run index\` again`));
    await lock.release();
  });

  it("is taken over at once from a build that died, by one of the builds waiting", async () => {
    const indexDir = await tempDir("verbatim-lock-");
    const lockDir = join(indexDir, LOCK_FILE);
    await mkdir(lockDir);
    await writeFile(join(lockDir, "owner.json"), JSON.stringify({ pid: deadPid(), host: hostname(), nonce: "dead", started: "2026-01-01T00:00:00.000Z" }));
    const outcomes = await raceWorkers(indexDir, 6, 1_500);
    expect(outcomes.filter((outcome) => outcome === "got").length, outcomes.join(", ")).toBeGreaterThanOrEqual(1);
    expectNoOverlap(await holders(indexDir));
  });

  it("treats a lock without an owner as being taken for a few seconds, then as abandoned", async () => {
    const indexDir = await tempDir("verbatim-lock-");
    const lockDir = join(indexDir, LOCK_FILE);
    await mkdir(lockDir);
    await expect(acquireBuildLock(indexDir)).rejects.toBeInstanceOf(BuildLockedError);
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lockDir, longAgo, longAgo);
    const lock = await acquireBuildLock(indexDir);
    await lock.release();
  });

  it("replaces the lock file of an earlier version when its build is gone, and respects it while it runs", async () => {
    const indexDir = await tempDir("verbatim-lock-");
    await writeFile(join(indexDir, LOCK_FILE), String(process.pid === 1 ? 2 : 1));
    await expect(acquireBuildLock(indexDir)).rejects.toBeInstanceOf(BuildLockedError);
    await writeFile(join(indexDir, LOCK_FILE), String(deadPid()));
    const lock = await acquireBuildLock(indexDir);
    await lock.release();
  });

  it("knows when another build has taken it over, so the build can stop before touching the index", async () => {
    const indexDir = await tempDir("verbatim-lock-");
    const lock = await acquireBuildLock(indexDir);
    await lock.assertHeld();
    await writeFile(join(indexDir, LOCK_FILE, "owner.json"), JSON.stringify({ pid: process.pid, host: hostname(), nonce: "someone-else", started: "" }));
    await expect(lock.assertHeld()).rejects.toThrow(/taken by another build/);
    await lock.release();
    // The other build's lock is left alone.
    expect(JSON.parse(await readFile(join(indexDir, LOCK_FILE, "owner.json"), "utf8")).nonce).toBe("someone-else");
  });
});

describe("removing old builds", () => {
  it("keeps the current build and the good one it replaced, and deletes half-written ones whatever their names", async () => {
    const indexDir = await tempDir("verbatim-builds-");
    const names = ["20260101-000000000-aaaaaa", "20260102-000000000-bbbbbb", "20260103-000000000-cccccc", "20260104-000000000-dddddd"];
    for (const name of names) await mkdir(join(indexDir, BUILDS_DIR, name), { recursive: true });
    // a: the previous good build; b: an older one; c: half-written by a failed build (newer than a); d: the new build.
    await switchPointer(indexDir, names[3]!);
    await removeOldBuilds(indexDir, [names[3], names[0]]);
    expect((await readdir(join(indexDir, BUILDS_DIR))).sort()).toEqual([names[0], names[3]]);
  });

  it("never deletes the build the pointer names, even if it was not asked to keep it", async () => {
    const indexDir = await tempDir("verbatim-builds-");
    for (const name of ["a", "b"]) await mkdir(join(indexDir, BUILDS_DIR, name), { recursive: true });
    await switchPointer(indexDir, "a");
    await removeOldBuilds(indexDir, ["b"]);
    expect((await readdir(join(indexDir, BUILDS_DIR))).sort()).toEqual(["a", "b"]);
  });
});
