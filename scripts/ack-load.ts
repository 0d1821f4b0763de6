/**
 * `npm run bench:ack -- [--articles 3000] [--questions 200] [--neighbours 2] [--workers 0,1] [--over 0,2000] [--json] [--keep]`:
 * how soon the bot acknowledges a burst of /ask on a busy machine. Builds a synthetic corpus
 * (scripts/bench-corpus.ts) in a temporary folder, starts the fake Discord of the end-to-end tests
 * in this process (without its specification checks, which would cost it time) and busy loops
 * (`node -e "for(;;){}"`) beside it; then for each ANSWER_WORKERS setting runs `npm start`'s entry
 * point as its own process and sends the questions, each from a different person, all at once
 * (`--over 0`) or spread evenly over a time (`--over 2000`: 100 a second), and measures per
 * interaction the time from sending it to its acknowledgement (the deferred response's callback)
 * reaching the fake Discord, and to its reply. Discord drops an interaction not acknowledged within
 * 3 s. Prints a table, and with --json one JSON object as the last line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildConfiguredIndex } from "../src/app/open.js";
import { defaultAnswerWorkers, loadConfig, PROJECT_ROOT } from "../src/config.js";
import { FakeDiscord, INTERACTION_RESPONSE_WINDOW_MS, snowflake, type RecordedRequest } from "../test/fakeDiscord.js";
import { writeSyntheticCorpus } from "./bench-corpus.js";

/** A token shaped like a real one, for the fake Discord. */
const FAKE_TOKEN = "MTExMTExMTExMTExMTExMTEx.GxYzAb.fake-token-secret-0123456789abcdefghij";
/** How long the bot and its workers may take to load and log in. */
const START_TIMEOUT_MS = 180_000;
/** How long a reply may take once everything is sent (the last of 200 waits behind the others). */
const REPLY_TIMEOUT_MS = 180_000;
/** Questions asked (and answered) before the burst, so that no lazy set-up is measured. */
const WARM_UP_QUESTIONS = 5;

const { values } = parseArgs({
  options: {
    articles: { type: "string", default: "3000" },
    questions: { type: "string", default: "200" },
    neighbours: { type: "string", default: "2" },
    workers: { type: "string", default: `0,${defaultAnswerWorkers()}` },
    over: { type: "string", default: "0,2000" },
    json: { type: "boolean" },
    keep: { type: "boolean" },
  },
});
const articles = Number(values.articles);
const burst = Number(values.questions);
const neighbourCount = Number(values.neighbours);
const settings = values.workers!.split(",").map((s) => Number(s.trim()));
const spreads = values.over!.split(",").map((s) => Number(s.trim()));
if ([articles, burst, neighbourCount, ...settings, ...spreads].some((n) => !Number.isInteger(n) || n < 0) || articles < 1 || burst < 1) {
  process.stderr.write("--articles, --questions, --neighbours, --workers and --over take whole numbers, e.g. --articles 3000 --neighbours 2 --workers 0,1 --over 0,2000\n");
  process.exit(2);
}

/** The nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** One ANSWER_WORKERS setting's figures for one way of sending, in milliseconds from sending. */
interface Run {
  answerWorkers: number;
  /** The questions were sent over this many milliseconds (0: at once). */
  overMs: number;
  acknowledged: number;
  withinWindow: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  answered: number;
  replyP50Ms: number;
  replyP99Ms: number;
  replyMaxMs: number;
  /** The bot process's peak resident memory (Linux), its workers included. */
  botPeakRssMb?: number;
}

const children = new Set<ChildProcess>();
const killAll = () => {
  for (const child of children) child.kill("SIGKILL");
};
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });

/** Starts the bot as `npm start` does, as its own process; resolves once it is logged in with every worker ready. */
async function startBot(fake: FakeDiscord, env: Record<string, string>, workers: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: "info", DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_URL: fake.apiUrl, ASK_COOLDOWN_SECONDS: "0", ANSWER_WORKERS: String(workers), HEALTH_PORT: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let output = "";
  child.stdout!.on("data", (chunk) => (output += String(chunk)));
  child.stderr!.on("data", (chunk) => (output += String(chunk)));
  const started = Date.now();
  const ready = () => output.includes("logged in to Discord") && (output.match(/"msg":"a scoring worker is ready"/g) ?? []).length >= workers;
  while (!ready()) {
    if (child.exitCode !== null || Date.now() - started > START_TIMEOUT_MS) throw new Error(`the bot did not start:\n${output.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output: () => output };
}

/** Sends `questions`, each from a different person, over `overMs` (0: at once); resolves with when each was acknowledged and answered. */
async function burstOf(fake: FakeDiscord, questions: string[], overMs = 0): Promise<{ ack?: RecordedRequest; reply?: RecordedRequest; sentAt: number }[]> {
  const send = (question: string, i: number) => {
    const sentAt = Date.now();
    const user = { id: snowflake(), username: `person${i}`, discriminator: "0", global_name: `Person ${i}`, avatar: null };
    return { sentAt, ...fake.sendCommand("ask", [{ name: "question", type: 3, value: question }], user) };
  };
  const sent =
    overMs === 0
      ? questions.map(send)
      : await Promise.all(questions.map((question, i) => new Promise<ReturnType<typeof send>>((resolve) => setTimeout(() => resolve(send(question, i)), (i * overMs) / questions.length))));
  return Promise.all(
    sent.map(async ({ token, sentAt }) => {
      const ack = await fake.waitFor((r) => r.method === "POST" && r.path.endsWith(`/${token}/callback`), 0, REPLY_TIMEOUT_MS).catch(() => undefined);
      // An interaction acknowledged too late is refused by Discord: it gets no reply.
      if (!ack || ack.status === 404) return { ack, sentAt };
      const reply = await fake.waitFor((r) => r.method === "PATCH" && r.path.includes(`/${token}/`), 0, REPLY_TIMEOUT_MS).catch(() => undefined);
      return { ack, reply, sentAt };
    }),
  );
}

/** A process's peak resident memory in MB, where /proc tells it (Linux). */
async function peakRssMb(pid: number | undefined): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
}

/** Figures for one ANSWER_WORKERS setting: one bot, warmed up, then each way of sending in turn. */
async function measure(fake: FakeDiscord, env: Record<string, string>, workers: number, questions: string[]): Promise<Run[]> {
  const bot = await startBot(fake, env, workers);
  try {
    await burstOf(fake, questions.slice(0, WARM_UP_QUESTIONS));
    const runs: Run[] = [];
    for (const overMs of spreads) runs.push(figures(workers, overMs, await burstOf(fake, questions, overMs)));
    const rss = await peakRssMb(bot.child.pid);
    for (const run of runs) run.botPeakRssMb = rss;
    const failures = bot.output().split("\n").filter((line) => line.includes('"msg":"an interaction failed"'));
    if (failures.length > 0) process.stderr.write(`${failures.length} interactions failed; the first: ${failures[0]}\n`);
    return runs;
  } finally {
    const exited = new Promise((resolve) => bot.child.once("exit", resolve));
    bot.child.kill("SIGTERM");
    await exited;
    children.delete(bot.child);
  }
}

/** The figures of one way of sending, from when each interaction was sent, acknowledged and answered. */
function figures(workers: number, overMs: number, results: { ack?: RecordedRequest; reply?: RecordedRequest; sentAt: number }[]): Run {
  const acks = results.filter((r) => r.ack).map((r) => r.ack!.at - r.sentAt);
  const replies = results.filter((r) => r.reply).map((r) => r.reply!.at - r.sentAt);
  return {
    answerWorkers: workers,
    overMs,
    acknowledged: acks.length,
    withinWindow: results.filter((r) => r.ack && r.ack.status !== 404 && r.ack.at - r.sentAt <= INTERACTION_RESPONSE_WINDOW_MS).length,
    ackP50Ms: percentile(acks, 50),
    ackP99Ms: percentile(acks, 99),
    ackMaxMs: Math.max(...acks),
    answered: replies.length,
    replyP50Ms: replies.length ? percentile(replies, 50) : NaN,
    replyP99Ms: replies.length ? percentile(replies, 99) : NaN,
    replyMaxMs: replies.length ? Math.max(...replies) : NaN,
  };
}

const root = await mkdtemp(join(tmpdir(), "verbatim-ack-"));
const env = { CORPUS_DIR: join(root, "corpus"), INDEX_DIR: join(root, "index"), FEEDBACK_DIR: join(root, "feedback") };
let fake: FakeDiscord | undefined;
try {
  process.stderr.write(`writing ${articles} synthetic articles and indexing them…\n`);
  const { questions: generated } = await writeSyntheticCorpus(env.CORPUS_DIR, articles);
  const questions = Array.from({ length: burst }, (_, i) => generated[i % generated.length]!);
  const report = await buildConfiguredIndex(loadConfig({ ...env, LOG_LEVEL: "silent" }));
  fake = await new FakeDiscord(false).start();
  process.stderr.write(`${report.passages} passages; ${neighbourCount} busy loops beside the bot on ${availableParallelism()} cores\n`);
  for (let i = 0; i < neighbourCount; i++) {
    const neighbour = spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" });
    children.add(neighbour);
  }
  const runs: Run[] = [];
  for (const workers of settings) {
    process.stderr.write(`ANSWER_WORKERS=${workers}…\n`);
    runs.push(...(await measure(fake, env, workers, questions)));
  }
  const ms = (n: number) => (Number.isNaN(n) ? "–" : String(Math.round(n)));
  const lines = [
    `${articles} articles, ${report.passages} passages; ${burst} /ask; ${neighbourCount} busy loops; ${availableParallelism()} cores`,
    "",
    "| ANSWER_WORKERS | sent | acknowledged within 3 s | ack p50 ms | ack p99 ms | ack max ms | answered | reply p50 ms | reply p99 ms | reply max ms | bot peak RSS MB |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...runs.map((r) => `| ${r.answerWorkers} | ${r.overMs === 0 ? "at once" : `over ${r.overMs / 1000} s`} | ${r.withinWindow} of ${burst} | ${ms(r.ackP50Ms)} | ${ms(r.ackP99Ms)} | ${ms(r.ackMaxMs)} | ${r.answered} of ${burst} | ${ms(r.replyP50Ms)} | ${ms(r.replyP99Ms)} | ${ms(r.replyMaxMs)} | ${r.botPeakRssMb ?? "–"} |`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify({ articles, passages: report.passages, questions: burst, neighbours: neighbourCount, cores: availableParallelism(), runs })}\n`);
  const violations = fake.takeViolations();
  if (violations.length > 0) process.stderr.write(`requests Discord would refuse:\n${violations.join("\n")}\n`);
} finally {
  killAll();
  await fake?.close();
  if (values.keep) process.stderr.write(`kept ${root}\n`);
  else await rm(root, { recursive: true, force: true });
}
