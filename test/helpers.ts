import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { loadConfig, PROJECT_ROOT, type Config } from "../src/config.js";

/** The project's real corpus. */
export const REAL_CORPUS = join(PROJECT_ROOT, "corpus");

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary folder, removed after the test. */
export async function tempDir(prefix = "verbatim-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A temporary copy of the real corpus. */
export async function copyOfRealCorpus(): Promise<string> {
  const dir = await tempDir("verbatim-corpus-");
  await cp(REAL_CORPUS, dir, { recursive: true });
  return dir;
}

/** A configuration for tests: given folders, bundled model, quiet logs. */
export function testConfig(overrides: Record<string, string>): Config {
  return loadConfig({ LOG_LEVEL: "silent", ...overrides });
}
