/**
 * Log lines for the local console: one readable line each (pino-pretty) instead of JSON, printed
 * between the conversation's turns, never inside a reply or over what is being typed. While the
 * console answers, lines wait; at the prompt, a line is printed above it and the prompt (with what
 * was typed so far) is drawn again.
 */
import { clearLine, cursorTo, type Interface } from "node:readline";
import { Writable } from "node:stream";
import { prettyFactory } from "pino-pretty";
import { terminalSafe } from "../reply/terminal.js";

/** Lines kept while the console is answering; beyond this the oldest are dropped (a reply takes milliseconds, so only a storm of lines gets here). */
const MAX_HELD_LINES = 200;

/** A pino destination that writes readable lines to `stream` and keeps out of the console's way. */
export class ConsoleLog extends Writable {
  private readonly pretty = prettyFactory({ colorize: false, singleLine: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" });
  private prompt: { lines: Interface; output: NodeJS.WritableStream } | undefined;
  private held: string[] | undefined;
  private dropped = 0;

  constructor(private readonly stream: NodeJS.WritableStream = process.stderr) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    for (const line of String(chunk).split("\n")) if (line.trim() !== "") this.show(this.readable(line));
    done();
  }

  /** From now on, lines are printed above the prompt of `lines`, which writes to `output`. */
  attach(lines: Interface, output: NodeJS.WritableStream): void {
    this.prompt = { lines, output };
  }

  /** Back to plain lines (the console has ended). */
  detach(): void {
    this.release();
    this.prompt = undefined;
  }

  /** Keeps lines back while the console prints a reply. */
  hold(): void {
    this.held ??= [];
  }

  /** Prints the lines kept back, before the console shows its prompt again. */
  release(): void {
    const lines = this.held ?? [];
    this.held = undefined;
    if (this.dropped > 0) this.stream.write(`(${this.dropped} log lines dropped)\n`);
    this.dropped = 0;
    for (const line of lines) this.stream.write(`${line}\n`);
  }

  private readable(json: string): string {
    try {
      // Article text and file names can reach a log line: never terminal commands. Each string is
      // made safe before pino-pretty sees it (which would drop ESC silently rather than show it).
      const safe = JSON.stringify(JSON.parse(json), (_key, value: unknown) => (typeof value === "string" ? terminalSafe(value) : value));
      return terminalSafe(this.pretty(safe).trimEnd());
    } catch {
      return terminalSafe(json);
    }
  }

  private show(line: string): void {
    if (this.held) {
      if (this.held.length >= MAX_HELD_LINES) {
        this.held.shift();
        this.dropped++;
      }
      this.held.push(line);
      return;
    }
    const prompt = this.prompt;
    if (!prompt || (prompt.output as { isTTY?: boolean }).isTTY !== true) {
      this.stream.write(`${line}\n`);
      return;
    }
    // Over the prompt line, then the prompt and what was typed so far drawn again beneath.
    clearLine(prompt.output, 0);
    cursorTo(prompt.output, 0);
    this.stream.write(`${line}\n`);
    prompt.lines.prompt(true);
  }
}
