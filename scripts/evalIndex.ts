import { join } from "node:path";
import { PROJECT_ROOT } from "../src/config.js";

/** Where the evaluation scripts index a corpus folder: one index per corpus, under data/eval-index/, reused while it is up to date. */
export function evalIndexDir(corpusDir: string): string {
  return join(PROJECT_ROOT, "data", "eval-index", corpusDir.replace(/[^a-z0-9]+/gi, "-").slice(-60));
}
