import { pino, type Logger } from "pino";

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACTED_PATHS = ["token", "*.token", "*.*.token", "DISCORD_TOKEN", "*.DISCORD_TOKEN", "authorization", "*.authorization", "headers.authorization", "*.headers.authorization"];

/** A JSON logger on stderr (stdout is reserved for answers). */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, base: undefined }, destination as pino.DestinationStream);
}

export type { Logger };
