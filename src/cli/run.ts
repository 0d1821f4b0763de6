import { terminalSafe } from "../reply/terminal.js";
import { wantsJson } from "./usage.js";

/**
 * Runs a command's main function: its result is the exit code; an error is printed (message only)
 * with exit code `codeFor(error)`: as `{"error": …}` on stdout when the command was asked for
 * JSON, so a --json caller always reads JSON; otherwise on stderr.
 */
export function runCli(main: (argv: string[]) => Promise<number>, codeFor: (error: unknown) => number = () => 1): void {
  const argv = process.argv.slice(2);
  main(argv).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      const message = (error as Error)?.message ?? String(error);
      // JSON escapes every control character itself; on a terminal, messages can hold corpus file
      // names and article fields: never terminal commands.
      if (wantsJson(argv)) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
      else process.stderr.write(`${terminalSafe(message)}\n`);
      process.exitCode = codeFor(error);
    },
  );
}
