import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit code for a usage mistake the user must fix (unknown flag, missing argument). */
export const EXIT_USAGE = 2;

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses a command's arguments with `--help` / `-h` added: the parsed values, or the exit code
 * after printing the usage (to stdout for --help, with the problem to stderr for a mistake).
 */
export function parseCommand<T extends Options>(argv: string[], options: T, usage: string, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals, strict: true, options: { ...options, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return EXIT_USAGE;
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  return parsed as unknown as { values: { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string }; positionals: string[] };
}
