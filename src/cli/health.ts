/**
 * `npm run health` (`verbatim health`): asks the running bot's GET /healthz (HEALTH_PORT,
 * HEALTH_HOST) and exits 0 when it is ready, 1 when it is not or does not answer, printing what it
 * said; 2 when HEALTH_PORT is not set. For health checks that have no HTTP client of their own
 * (a container image without curl, systemd's ExecStartPost).
 *   --wait SECONDS   ask again every second until it is ready, for at most that long
 */
import { HEALTH_PATH } from "../app/healthServer.js";
import { loadConfig } from "../config.js";
import { terminalSafe } from "../reply/terminal.js";
import { runCli } from "./run.js";
import { EXIT_USAGE, parseCommand, usageText } from "./usage.js";

const USAGE = usageText({
  name: "health",
  forms: [
    ["", `exit 0 if the running bot's GET ${HEALTH_PATH} says it is ready, 1 if not`],
    ["--wait 120", "ask every second until it is ready, for at most 120 s"],
  ],
  options: [["--wait SECONDS", "keep asking until ready, at most this long (1–3600)"]],
});

/** How long one request may take: the health check answers at once, or something is wrong. */
const REQUEST_TIMEOUT_MS = 3_000;
/** Pause between two requests while waiting. */
const RETRY_MS = 1_000;
/** The longest --wait: an hour is beyond any start-up. */
const MAX_WAIT_SECONDS = 3_600;

/** The address to ask: a server listening on every address is asked on loopback. */
function healthUrl(host: string, port: number): string {
  const local = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${local.includes(":") ? `[${local}]` : local}:${port}${HEALTH_PATH}`;
}

async function ask(url: string): Promise<{ ok: boolean; text: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return { ok: response.status === 200, text: `${response.status} ${(await response.text()).trim()}` };
  } catch (error) {
    return { ok: false, text: `no answer from ${url} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}): is the bot running with HEALTH_PORT set?` };
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { wait: { type: "string" } }, USAGE);
  if (typeof parsed === "number") return parsed;
  const wait = parsed.values.wait === undefined ? 0 : Number(parsed.values.wait);
  if (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_SECONDS) {
    process.stderr.write(`--wait takes whole seconds from 1 to ${MAX_WAIT_SECONDS}.\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const config = loadConfig();
  if (config.HEALTH_PORT === undefined || config.HEALTH_PORT === 0) {
    process.stderr.write("HEALTH_PORT is not set (or is 0), so there is no health check to ask: set it in .env to the port the bot listens on (see .env.example).\n");
    return EXIT_USAGE;
  }
  const url = healthUrl(config.HEALTH_HOST, config.HEALTH_PORT);
  const deadline = Date.now() + wait * 1000;
  for (;;) {
    const { ok, text } = await ask(url);
    if (ok || Date.now() + RETRY_MS > deadline) {
      (ok ? process.stdout : process.stderr).write(`${terminalSafe(text)}\n`);
      return ok ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

runCli(main);
