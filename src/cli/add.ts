/**
 * `npm run add -- <url>…`: adds article pages and the new items of RSS/Atom feeds to the corpus
 * (saved as Markdown with front matter under corpus/web/), then brings the index up to date.
 * With no address, pulls the feeds that FEEDS lists. Exits 1 when any address or item failed
 * (after adding and indexing the others), 2 for a usage mistake.
 */
import { buildConfiguredIndex } from "../app/open.js";
import { loadConfig } from "../config.js";
import { addArticles, describeAdd } from "../corpus/addArticles.js";
import { skippedLines, summarize } from "../index/build.js";
import { createProgress } from "./progress.js";
import { runCli } from "./run.js";
import { terminalSafe } from "../reply/terminal.js";
import { parseCommand, usageError, usageText } from "./usage.js";

export const ADD_USAGE = usageText({
  name: "add",
  forms: [
    ["<url>…", "add article pages and feeds' new items, then update the index"],
    ["", "pull the feeds listed in FEEDS (.env)"],
  ],
  options: [
    ["--no-index", "only add the files; run `verbatim index` later"],
    ["--json", "print what was done as one JSON object on stdout (errors too)"],
  ],
});

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { "no-index": { type: "boolean" }, json: { type: "boolean" } }, ADD_USAGE, true);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const config = loadConfig();
  const urls = positionals.length > 0 ? positionals : config.FEEDS;
  if (urls.length === 0) return usageError(argv, "No address given and FEEDS is empty: give article or feed addresses, or list feeds in FEEDS (see .env.example).", ADD_USAGE);
  const report = await addArticles(urls, { corpusDir: config.CORPUS_DIR, stateFile: config.FEED_STATE_FILE, allowPrivateNetwork: config.FETCH_ALLOW_PRIVATE_NETWORK });
  process.stderr.write(`${describeAdd(report).map(terminalSafe).join("\n")}\n`);
  let index: { summary: string; buildId: string; skipped: { file: string; reason: string }[] } | undefined;
  if (report.added.length > 0 && !values["no-index"]) {
    const built = await buildConfiguredIndex(config, { progress: createProgress() });
    index = { summary: summarize(built), buildId: built.buildId, skipped: built.skipped };
    process.stderr.write([...skippedLines(built), `${summarize(built)}: index ${built.buildId} is now in use`].map(terminalSafe).join("\n") + "\n");
  } else if (report.added.length > 0) process.stderr.write("run `npm run index` to make the new articles answerable\n");
  if (values.json) process.stdout.write(`${JSON.stringify({ ...report, ...(index ? { index } : {}) })}\n`);
  return report.failures > 0 ? 1 : 0;
}

runCli(main);
