#!/usr/bin/env node
/**
 * `verbatim <command> …` (`npx verbatim ask "…"`): the project's commands under one name. Each
 * runs its TypeScript entry point in a child Node process with tsx, with this process's
 * arguments, streams and exit code; SIGINT and SIGTERM are passed on, so `verbatim start` stops
 * cleanly under a service manager.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const COMMANDS = {
  ask: { script: "src/cli/ask.ts", what: "answer a question with quotes (--json for JSON, --limit N for how many)" },
  sources: { script: "src/cli/ask.ts", args: ["--sources"], what: "list the articles the bot has read (sources 2: the second page)" },
  index: { script: "src/cli/index.ts", what: "bring the index up to date with the corpus" },
  add: { script: "src/cli/add.ts", what: "add article pages and feeds' new items to the corpus" },
  start: { script: "src/cli/start.ts", what: "run the bot (or, without a token, a local console)" },
  register: { script: "src/cli/register.ts", what: "register the slash commands with Discord" },
  eval: { script: "src/cli/eval.ts", what: "answer-quality figures for a labelled question set" },
  feedback: { script: "src/cli/feedback.ts", what: "the quotes people marked wrong, and which are moved down" },
  health: { script: "src/cli/health.ts", what: "exit 0 if the running bot's GET /healthz says it is ready" },
};

const usage = `Usage: verbatim <command> [options]   (verbatim <command> --help for its options)\n\n${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(9)} ${command.what}`)
  .join("\n")}\n\n  --version  print Verbatim's version`;

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
const tsx = import.meta.resolve("tsx");
const child = spawn(process.execPath, ["--import", tsx, join(root, command.script), ...(command.args ?? []), ...rest], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
