/**
 * Structured logs (pino, JSON on stderr) that never carry a secret: every logged value passes
 * through `sanitizeForLog`, which serialises errors from an allow-list of fields and cuts Discord
 * tokens out of every string.
 */
import { pino, type Logger } from "pino";

/** pino's own redaction, which also covers child-logger bindings (formatters.log does not see them). */
const REDACTED_PATHS = ["token", "*.token", "*.*.token", "DISCORD_TOKEN", "*.DISCORD_TOKEN", "authorization", "*.authorization", "headers.authorization", "*.headers.authorization"];
/** Keys dropped at any depth: credentials, and request data (a Discord request body holds the user's question). */
const SECRET_KEYS = new Set(["token", "DISCORD_TOKEN", "authorization", "headers", "requestBody"]);
/** The error fields a log line keeps: what failed and where, never what was sent. */
const SAFE_ERROR_FIELDS = ["code", "status", "method", "url", "errno", "syscall", "path", "route", "retryAfter", "global", "scope"];
/** What stands in for a removed secret. */
const REDACTED = "[redacted]";
/** Log objects are a few levels deep; anything deeper is a data dump or a cycle. */
const MAX_DEPTH = 8;
/** A real cause chain is two or three errors long; a cyclic one must still end. */
const MAX_CAUSES = 5;

/**
 * Discord tokens in text: the token segment of interaction callback and webhook paths (an
 * interaction's token lets anyone answer as the bot for 15 minutes), and bot tokens
 * (three base64url parts joined by dots).
 */
const TOKEN_PATTERNS: readonly [RegExp, string][] = [
  [/(\/interactions\/[^/\s]+\/)[^/?#\s]+/g, "$1[token]"],
  [/(\/webhooks\/[^/\s]+\/)[^/?#\s]+/g, "$1[token]"],
  [/[\w-]{17,}\.[\w-]{5,}\.[\w-]{20,}/g, "[token]"],
];

/** `text` with every Discord token in it replaced by "[token]". */
export function redactSecrets(text: string): string {
  return TOKEN_PATTERNS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/** A log-safe copy of any value: errors serialised safely, tokens cut from strings, secret keys dropped, cycles and depth bounded. */
export function sanitizeForLog(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  seen.add(value);
  try {
    if (isErrorLike(value)) return serializeError(value);
    if (Array.isArray(value)) return value.map((item) => sanitizeForLog(item, depth + 1, seen));
    // Dates, URLs, Buffers: what JSON.stringify would write, then the same checks.
    const toJSON = read(value, "toJSON");
    if (typeof toJSON === "function") return sanitizeForLog(toJSON.call(value), depth + 1, seen);
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = SECRET_KEYS.has(key) ? REDACTED : sanitizeForLog(read(value, key), depth + 1, seen);
    return copy;
  } catch {
    // A hostile object (a throwing proxy or toJSON) must not break logging.
    return "[unreadable]";
  } finally {
    seen.delete(value);
  }
}

/**
 * A log-safe error: its type, message and stack (each with its causes', as pino writes them), the
 * fields that say what failed (status, code, method, URL without its token), and the same for each
 * cause. Everything else an error carries (discord.js's requestBody, headers) is left out.
 */
export function serializeError(error: object, depth = 0): Record<string, unknown> {
  const chain = causes(error);
  const result: Record<string, unknown> = { type: typeOf(error), message: redactSecrets(messageWithCauses(chain)), stack: redactSecrets(stackWithCauses(chain)), ...safeFields(error) };
  const errors = read(error, "errors");
  if (Array.isArray(errors) && depth < MAX_CAUSES) result.aggregateErrors = errors.slice(0, MAX_CAUSES).map((inner: unknown) => (isErrorLike(inner) ? serializeError(inner, depth + 1) : sanitizeForLog(inner, MAX_DEPTH - 1)));
  // Each cause's own fields, innermost last; its message and stack are already in the lines above.
  let holder = result;
  for (const cause of chain.slice(1)) {
    const details = { type: typeOf(cause), ...safeFields(cause) };
    holder.cause = details;
    holder = details;
  }
  return result;
}

/** A JSON logger on stderr (stdout is reserved for answers) that keeps secrets out of every line. */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      formatters: { log: (object) => sanitizeForLog(object) as Record<string, unknown> },
      // The objects arrive already serialised by formatters.log; pino's own err serializer would redo it.
      serializers: { err: (value: unknown) => value },
      hooks: {
        logMethod(args, method) {
          // logger.error(error) uses the error's message as the line's message: serialise it safely first.
          const [first] = args as unknown[];
          if (args.length === 1 && isErrorLike(first)) return method.call(this, { err: first }, redactSecrets(String(read(first, "message"))));
          return method.apply(this, args.map((arg) => (typeof arg === "string" ? redactSecrets(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    destination as pino.DestinationStream,
  );
}

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || (typeof value === "object" && value !== null && typeof read(value, "message") === "string" && typeof read(value, "stack") === "string");
}

/** A property, or "[unreadable]" when a getter throws: logging must never fail. */
function read(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return "[unreadable]";
  }
}

function typeOf(error: object): string {
  const constructorName = (read(error, "constructor") as { name?: unknown } | undefined)?.name;
  return redactSecrets(String(typeof constructorName === "string" && constructorName !== "Object" ? constructorName : (read(error, "name") ?? "Error")));
}

function safeFields(error: object): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of SAFE_ERROR_FIELDS) {
    const value = read(error, key);
    if (typeof value === "string") fields[key] = redactSecrets(value);
    else if (typeof value === "number" || typeof value === "boolean") fields[key] = value;
  }
  return fields;
}

/** The error and its causes, outermost first, without repeats. */
function causes(error: object): object[] {
  const chain = [error];
  for (let cause = read(error, "cause"); isErrorLike(cause) && !chain.includes(cause) && chain.length <= MAX_CAUSES; cause = read(cause, "cause")) chain.push(cause);
  return chain;
}

function messageWithCauses(chain: object[]): string {
  return chain.map((error) => String(read(error, "message") ?? "")).join(": ");
}

function stackWithCauses(chain: object[]): string {
  return chain.map((error) => String(read(error, "stack") ?? read(error, "message") ?? "")).join("\ncaused by: ");
}

export type { Logger };
