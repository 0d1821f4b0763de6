import { terminalSafe } from "../reply/terminal.js";

/** Runs a command's main function: its result is the exit code; an error is printed (message only) with exit code `codeFor(error)`. */
export function runCli(main: (argv: string[]) => Promise<number>, codeFor: (error: unknown) => number = () => 1): void {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      // Messages can hold corpus file names and article fields: never terminal commands.
      process.stderr.write(`${terminalSafe((error as Error)?.message ?? String(error))}\n`);
      process.exitCode = codeFor(error);
    },
  );
}
