/**
 * `npm run index`: validates `corpus/` and brings the index up to date, embedding only what
 * changed. `--force` re-embeds everything. Every file that is not indexed is named with why;
 * `--strict` makes any such file an error. The index in use is replaced atomically, or not at all.
 */
import { buildConfiguredIndex } from "../app/open.js";
import { loadConfig } from "../config.js";
import { skippedLines, summarize } from "../index/build.js";
import { createProgress } from "./progress.js";
import { runCli } from "./run.js";
import { parseCommand, usageText } from "./usage.js";

const USAGE = usageText({
  name: "index",
  forms: [
    ["", "bring the index up to date with the corpus folder (embeds only what changed)"],
    ["--force", "re-embed everything"],
    ["--strict", "fail, naming them, if any file would be skipped"],
  ],
  options: [
    ["--force", "re-embed every passage"],
    ["--strict", "refuse to build when any corpus file would be left out"],
  ],
});

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { force: { type: "boolean" }, strict: { type: "boolean" } }, USAGE);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const config = loadConfig();
  const started = performance.now();
  const report = await buildConfiguredIndex(config, { progress: createProgress(), force: values.force, strict: values.strict });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const lines = [...skippedLines(report), `${summarize(report)} (${report.passages} passages, ${report.embedded} embedded, ${seconds}s)`];
  if (report.fullRebuildReason && report.rebuilt) lines.unshift(`embedded everything: ${report.fullRebuildReason}`);
  const where = config.DATABASE_URL ? "the PostgreSQL database (DATABASE_URL)" : config.INDEX_DIR;
  lines.push(report.rebuilt ? `index ${report.buildId} is now in use in ${where}` : `index ${report.buildId} is up to date`);
  process.stderr.write(lines.join("\n") + "\n");
  return 0;
}

runCli(main);
