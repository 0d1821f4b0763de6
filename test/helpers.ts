import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { loadConfig, PROJECT_ROOT, type Config } from "../src/config.js";

/**
 * The treaty articles the project ships in `corpus/`, kept as a test fixture: an operator replaces
 * `corpus/`, and the tests must not change with it.
 */
export const TREATY_CORPUS = join(PROJECT_ROOT, "test", "fixtures", "treaty");

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

/** A temporary copy of the treaty fixture corpus. */
export async function copyOfTreatyCorpus(): Promise<string> {
  const dir = await tempDir("verbatim-corpus-");
  await cp(TREATY_CORPUS, dir, { recursive: true });
  return dir;
}

/**
 * A configuration for tests: given folders, bundled model, quiet logs. Without CORPUS_DIR,
 * INDEX_DIR and FEEDBACK_DIR it points at folders that do not exist, never at `corpus/`,
 * `data/index` or `data/feedback`.
 */
export function testConfig(overrides: Record<string, string>): Config {
  return loadConfig({ LOG_LEVEL: "silent", CORPUS_DIR: "test/no-corpus-configured", INDEX_DIR: "test/no-index-configured", FEEDBACK_DIR: "test/no-feedback-configured", ...overrides });
}
