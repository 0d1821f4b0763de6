#!/usr/bin/env node
/**
 * `verbatim <command> …` (`npx verbatim ask "…"`, and every npm script that runs a command): the
 * project's commands under one name. Each is the compiled JavaScript in dist/ (`npm run build`),
 * run in this process with plain Node, with this process's arguments, streams and exit code.
 *
 * In a git checkout, dist/ is compared with src/ first: when src/ changed since the last build and
 * the dev dependencies are installed, it is rebuilt (`npm run build`, a second or two for a few
 * files); without them (a production install pruned with `npm prune --omit=dev`), the command
 * stops and says to build. Outside a checkout (a copied or packed install) dist/ is run as it is.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const COMMANDS = {
  ask: { script: "cli/ask.js", what: "answer a question with quotes (--json for JSON, --limit N for how many)" },
  sources: { script: "cli/ask.js", args: ["--sources"], what: "list the articles the bot has read (sources 2: the second page)" },
  index: { script: "cli/index.js", what: "bring the index up to date with the corpus" },
  add: { script: "cli/add.js", what: "add article pages and feeds' new items to the corpus" },
  start: { script: "cli/start.js", what: "run the bot (or, without a token, a local console)" },
  register: { script: "cli/register.js", what: "register the slash commands with Discord" },
  eval: { script: "cli/eval.js", what: "answer-quality figures for a labelled question set" },
  feedback: { script: "cli/feedback.js", what: "the quotes people marked wrong, and which are moved down" },
  health: { script: "cli/health.js", what: "exit 0 if the running bot's GET /healthz says it is ready" },
};
/** What `npm run build` writes last: its time is when dist/ last matched src/. */
const BUILD_STAMP = join(root, "dist", ".tsbuildinfo");

const usage = `Usage: verbatim <command> [options]   (verbatim <command> --help for its options)\n\n${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(9)} ${command.what}`)
  .join("\n")}\n\n  --version  print Verbatim's version`;

/**
 * The first TypeScript file under `folder` changed after `time` (ms), or undefined. Other files
 * (src/index/wasm/dotAll.wat) are not compiled: a build would never be newer than them.
 */
function changedSince(folder, time) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    const changed = entry.isDirectory() ? changedSince(path, time) : entry.name.endsWith(".ts") && statSync(path).mtimeMs > time ? path : undefined;
    if (changed) return changed;
  }
  return undefined;
}

/** Why dist/ cannot be run as it is (missing, or older than src/ in a checkout), or undefined when it can. */
function outOfDate(script) {
  if (!existsSync(script)) return `Verbatim is not built yet (${relative(root, script)} is missing)`;
  if (!existsSync(join(root, ".git")) || !existsSync(join(root, "src"))) return undefined;
  if (!existsSync(BUILD_STAMP)) return "Verbatim is not built yet (dist/ has no build stamp)";
  const changed = changedSince(join(root, "src"), statSync(BUILD_STAMP).mtimeMs);
  return changed && `${relative(root, changed)} changed since Verbatim was last built`;
}

/** TypeScript's compiler, when the dev dependencies are installed. */
function compiler() {
  try {
    return createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  } catch {
    return undefined;
  }
}

/**
 * Brings dist/ up to date with src/ (the compiler's messages on stderr, stdout kept for answers);
 * exits 1 with what to do when it cannot. `everything` rebuilds every file: the compiler's stamp
 * alone cannot tell that a compiled file was deleted.
 */
function build(reason, everything) {
  const tsc = compiler();
  if (!tsc) fail(`${reason}, and TypeScript is not installed to build it: run \`npm ci\`, then \`npm run build\` (then \`npm prune --omit=dev\` for a production install).`);
  process.stderr.write(`verbatim: ${reason}: building dist/ (npm run build)…\n`);
  const result = spawnSync(process.execPath, [tsc, "-b", join(root, "tsconfig.build.json"), ...(everything ? ["--force"] : [])], { cwd: root, stdio: ["ignore", 2, 2] });
  if (result.status === 0) return;
  // The compiler writes its stamp even when it finds errors: date it back, so the next run builds again and shows them.
  if (existsSync(BUILD_STAMP)) utimesSync(BUILD_STAMP, 0, 0);
  fail(`the build failed (${result.error?.message ?? "see the errors above"}): fix src/, then run the command again.`);
}

function fail(message) {
  process.stderr.write(`verbatim: ${message}\n`);
  process.exit(1);
}

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === "--help" || name === "-h" || name === "help") {
  process.stdout.write(`${usage}\n`);
  process.exit(name === undefined ? 2 : 0);
}
if (name === "--version" || name === "-v" || name === "version") {
  process.stdout.write(`${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n`);
  process.exit(0);
}
const command = COMMANDS[name];
if (!command) {
  process.stderr.write(`verbatim: unknown command "${name}"\n${usage}\n`);
  process.exit(2);
}
const script = join(root, "dist", command.script);
const reason = outOfDate(script);
if (reason) build(reason, !existsSync(script));
// The command reads its arguments from process.argv, as when Node runs it directly.
process.argv = [process.argv[0], script, ...(command.args ?? []), ...rest];
await import(pathToFileURL(script).href);
