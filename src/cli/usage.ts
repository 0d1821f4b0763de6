import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { PROJECT_ROOT } from "../config.js";

/** Exit code for a usage mistake the user must fix (unknown flag, missing argument). */
export const EXIT_USAGE = 2;

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The options every command takes. */
const COMMON_OPTIONS = { help: { type: "boolean", short: "h" }, version: { type: "boolean" } } as const;

/** The most edits (letters added, dropped, changed or swapped) between a mistyped flag and the one suggested. */
const MAX_SUGGESTION_EDITS = 2;

/** What a command's help says: how it is run, and its options. */
export interface CommandHelp {
  /** The command's name after `verbatim`: "ask". */
  name: string;
  /** How it is run from a clone with npm, when that is not `npm run -s <name> --`: "npm start --". */
  npm?: string;
  /** The last line, when `npx verbatim <name> …, or <npm> …` does not say it all. */
  fromClone?: string;
  /** Each way to run it: the arguments after `verbatim <name>` (or after `verbatim <command>`, when given), and what that does. */
  forms: readonly (readonly [args: string, what: string, command?: string])[];
  /** Its own options (help and version are added): the flag as written, and what it does. */
  options?: readonly (readonly [flag: string, what: string])[];
}

/** A command's usage text: `verbatim <name> …` forms, the options, and the npm script that runs the same from a clone. */
export function usageText(help: CommandHelp): string {
  const forms = help.forms.map(([args, what, command = help.name]) => [`verbatim ${command}${args ? ` ${args}` : ""}`, what] as const);
  const options = [...(help.options ?? []), ["--version", "print Verbatim's version"], ["-h, --help", "this help"]] as const;
  const column = (rows: readonly (readonly [string, string])[]) => {
    const width = Math.max(...rows.map(([left]) => left.length)) + 3;
    return rows.map(([left, right]) => `  ${left.padEnd(width)}${right.replace(/\n/g, `\n  ${" ".repeat(width)}`)}`);
  };
  const npm = help.npm ?? `npm run -s ${help.name} --`;
  return ["Usage:", ...column(forms), "Options:", ...column(options), help.fromClone ?? `From a clone: \`npx verbatim ${help.name} …\`, or \`${npm} …\`.`].join("\n");
}

/** Verbatim's version, from package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** Letters to add, drop, change or swap (two side by side) to turn `a` into `b` (optimal string alignment distance). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}

/** The known flag closest to a mistyped one ("--jsn" → "--json"), or undefined when none is close. */
export function closestFlag(typed: string, flags: readonly string[]): string | undefined {
  const bare = typed.replace(/^-+/, "").split("=")[0]!;
  let best: { flag: string; edits: number } | undefined;
  for (const flag of flags) {
    const edits = editDistance(bare, flag.replace(/^-+/, ""));
    if (edits <= Math.min(MAX_SUGGESTION_EDITS, Math.max(1, Math.floor(bare.length / 2))) && (!best || edits < best.edits)) best = { flag, edits };
  }
  return best?.flag;
}

/** Node's argument parser's error, in words that say what to type instead. */
function describeParseError(error: NodeJS.ErrnoException, options: Options): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) {
    const suggestion = closestFlag(unknown, Object.keys(options).map((name) => `--${name}`));
    return `unknown option ${unknown}${suggestion ? ` (did you mean ${suggestion}?)` : ""}`;
  }
  const missing = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(error.message)?.[1];
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && missing) return `option ${missing} needs a value`;
  const unexpected = /Unexpected argument '([^']*)'/.exec(error.message)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && unexpected !== undefined) return `unexpected argument "${unexpected}": this command takes only options`;
  return error.message;
}

/** Whether a command was asked for JSON (`--json` before any `--`): its errors are then JSON too. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/** Writes a usage mistake: a JSON object on stdout when JSON was asked for, otherwise the problem and the usage on stderr. */
export function usageError(argv: readonly string[], problem: string, usage: string): number {
  if (wantsJson(argv)) process.stdout.write(`${JSON.stringify({ error: problem })}\n`);
  else process.stderr.write(`${problem}\n${usage}\n`);
  return EXIT_USAGE;
}

/**
 * Parses a command's arguments with `--help` / `-h` and `--version` added: the parsed values, or
 * the exit code after printing the usage or the version (to stdout) or a mistake (with a "did you
 * mean" for a mistyped flag; as JSON on stdout with --json, otherwise to stderr with the usage).
 */
export function parseCommand<T extends Options>(argv: string[], options: T, usage: string, allowPositionals = false) {
  const all = { ...options, ...COMMON_OPTIONS };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals, strict: true, options: all });
  } catch (error) {
    return usageError(argv, describeParseError(error as NodeJS.ErrnoException, all), usage);
  }
  const values = parsed.values as { help?: boolean; version?: boolean };
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  return parsed as unknown as { values: { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string }; positionals: string[] };
}
