/**
 * The bot's scoring workers: a few worker threads that score questions, so that the main thread,
 * which acknowledges interactions and answers the gateway's heartbeat, never waits behind a
 * question. Each worker opens the model and the store itself, read-only, and holds the build the
 * main thread serves: every request names its build, and the main thread has each worker load a
 * new build before it serves it (LiveIndex's BuildFollower). A request no worker can take (none
 * ready, none holding its build, ANSWER_WORKERS=0) is scored in the main thread, as it always was.
 * A worker that stops is replaced and its questions are retried once; one stuck on a question past
 * the deadline is stopped and replaced, and that question fails.
 */
import { Worker } from "node:worker_threads";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { Answer } from "../retrieval/answer.js";
import type { AskOptions, Retriever } from "../retrieval/retriever.js";
import { scoreHere, type Score } from "./answers.js";
import type { BuildFollower } from "./liveIndex.js";
import { fromWire, type FromWorker, type ToWorker, type WorkerStart } from "./scoringProtocol.js";

/** Questions a worker scores at once: one computing while the next waits on its embedding or the database; more would only interleave them and delay each. */
const MAX_IN_FLIGHT_PER_WORKER = 2;
/** Attempts at one question: a worker that stops mid-question has it retried once. */
const MAX_ATTEMPTS = 2;
/** A question takes tens of milliseconds; one still under way after this has stuck its worker. */
export const SCORING_DEADLINE_MS = 30_000;
/** How long the main thread waits for a worker to load a new build (seconds at 10,000 articles) before serving it without that worker. */
const LOAD_TIMEOUT_MS = 120_000;
/** The pause before replacing a worker that stopped soon after it started, doubled each time such a worker stops, up to the maximum. */
const FIRST_RESPAWN_PAUSE_MS = 1_000;
const MAX_RESPAWN_PAUSE_MS = 60_000;
/** A worker that ran this long before stopping is replaced at once, and the pause starts again from the first. */
const HEALTHY_RUN_MS = 60_000;
/** How long closing waits for a worker to finish its questions and end before stopping it. */
const CLOSE_TIMEOUT_MS = 5_000;

/** One question on its way through the pool. */
interface Job {
  id: number;
  /** The main thread's retriever for the build: it names the build, and scores the question when no worker can. */
  retriever: Retriever;
  buildId: string;
  question: string;
  options: AskOptions;
  attempts: number;
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
  deadline?: NodeJS.Timeout;
}

/** A worker and what the main thread knows of it. */
interface Thread {
  worker: Worker;
  /** The worker's thread id, kept for the log (the worker's own reads -1 once it has ended). */
  id: number;
  /** The builds it holds (none until it is ready). */
  builds: Set<string>;
  ready: boolean;
  startedAt: number;
  inFlight: Map<number, Job>;
  /** Builds it has been asked to load and has not yet answered for. */
  loads: Map<string, { done: Promise<void>; settle: () => void }>;
  /** Why the pool is ending it, when it is (otherwise its end is a crash). */
  ending?: string;
  error?: Error;
}

/** How many questions went where, since the pool started. */
export interface ScoringCounts {
  inWorkers: number;
  inMainThread: number;
  retried: number;
}

/**
 * The worker's entry: the compiled JavaScript beside this file; or, run from the TypeScript sources
 * (tsx, vitest), a loader that registers tsx in the thread first, since Node 20 does not carry
 * `--import tsx` into worker threads.
 */
function workerScript(): URL {
  if (!import.meta.url.endsWith(".ts")) return new URL("./scoringWorker.js", import.meta.url);
  const entry = new URL("./scoringWorker.ts", import.meta.url);
  const loader = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};\nregister();\nawait import(${JSON.stringify(entry.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(loader)}`);
}

export class ScoringPool implements BuildFollower {
  private readonly threads = new Set<Thread>();
  private readonly queue: Job[] = [];
  private readonly readyWaiters: (() => void)[] = [];
  private readonly respawns = new Set<NodeJS.Timeout>();
  private readonly script = workerScript();
  private nextId = 1;
  /** The build the main thread serves, or is about to: new workers start on it. */
  private target: string;
  /** The build the main thread serves: a worker that holds it drops the others. */
  private served: string;
  private respawnPause = FIRST_RESPAWN_PAUSE_MS;
  private closing = false;
  readonly counts: ScoringCounts = { inWorkers: 0, inMainThread: 0, retried: 0 };

  private constructor(
    private readonly config: Config,
    buildId: string,
    private readonly logger: Logger,
    /** How many workers the pool keeps. */
    readonly size: number,
  ) {
    this.target = this.served = buildId;
  }

  /**
   * Starts `config.ANSWER_WORKERS` workers on build `buildId`. It does not wait for them: until one
   * is ready (a few seconds), questions are scored in the main thread.
   */
  static start(config: Config, buildId: string, logger: Logger): ScoringPool {
    const pool = new ScoringPool(config, buildId, logger, config.ANSWER_WORKERS);
    logger.info({ workers: pool.size, buildId }, "starting the scoring workers");
    for (let i = 0; i < pool.size; i++) pool.spawn();
    return pool;
  }

  /** Scores a question in a worker that holds the retriever's build, or in this thread when none can. */
  readonly score: Score = (retriever, question, options) =>
    new Promise<Answer>((resolve, reject) => this.dispatch({ id: this.nextId++, retriever, buildId: retriever.source.buildId, question, options, attempts: 1, resolve, reject }));

  /** Resolves once every worker is ready to score (the benchmark and the tests wait for this; the bot does not need to). */
  async whenReady(): Promise<void> {
    while (this.readyCount < this.size) await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
  }

  /** The worker threads running now (the tests stop one to see it replaced). */
  get workers(): Worker[] {
    return [...this.threads].map((thread) => thread.worker);
  }

  /** Has every ready worker load `buildId` beside the build it serves; resolves when each has, has failed (and is being replaced), or is taking too long. */
  async prepare(buildId: string): Promise<void> {
    this.target = buildId;
    await Promise.all([...this.threads].filter((thread) => thread.ready).map((thread) => this.load(thread, buildId)));
  }

  /** The main thread serves `buildId` now: every worker that holds it drops the others. */
  serving(buildId: string): void {
    this.target = this.served = buildId;
    for (const thread of this.threads) if (thread.ready && thread.builds.has(buildId)) this.keepOnly(thread, buildId);
  }

  /** Lets the questions under way finish, then ends every worker (stopping one that takes longer than 5 s). */
  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.respawns) clearTimeout(timer);
    for (const job of this.queue.splice(0)) this.scoreHere(job);
    await Promise.all([...this.threads].map((thread) => this.end(thread, "the bot is stopping", { gracefully: true })));
    this.logger.info({ ...this.counts }, "scoring workers stopped");
  }

  private get readyCount(): number {
    return [...this.threads].filter((thread) => thread.ready).length;
  }

  private spawn(): void {
    // The worker needs no token: it never talks to Discord.
    const start: WorkerStart = { config: { ...this.config, DISCORD_TOKEN: undefined }, buildId: this.target };
    const worker = new Worker(this.script, { workerData: start, name: "verbatim-scoring" });
    const thread: Thread = { worker, id: worker.threadId, builds: new Set(), ready: false, startedAt: performance.now(), inFlight: new Map(), loads: new Map() };
    this.threads.add(thread);
    worker.on("message", (message: FromWorker) => this.received(thread, message));
    worker.on("error", (error) => (thread.error = error));
    worker.on("exit", (code) => this.exited(thread, code));
  }

  private dispatch(job: Job): void {
    const holding = [...this.threads].filter((thread) => thread.ready && !thread.ending && thread.builds.has(job.buildId));
    if (this.closing || holding.length === 0) return this.scoreHere(job);
    const free = holding.filter((thread) => thread.inFlight.size < MAX_IN_FLIGHT_PER_WORKER);
    if (free.length === 0) {
      this.queue.push(job);
      return;
    }
    const thread = free.reduce((best, next) => (next.inFlight.size < best.inFlight.size ? next : best));
    thread.inFlight.set(job.id, job);
    job.deadline = setTimeout(() => this.stuck(thread, job), SCORING_DEADLINE_MS);
    job.deadline.unref();
    const message: ToWorker = { type: "ask", id: job.id, buildId: job.buildId, question: job.question, options: job.options };
    thread.worker.postMessage(message);
  }

  private scoreHere(job: Job): void {
    this.counts.inMainThread++;
    scoreHere(job.retriever, job.question, job.options).then(job.resolve, job.reject);
  }

  /** Offers the waiting questions to the workers again, in the order they came. */
  private pump(): void {
    for (const job of this.queue.splice(0)) this.dispatch(job);
  }

  /** The question `id` has left `thread`: the job, if it was still waiting there. */
  private settle(thread: Thread, id: number): Job | undefined {
    const job = thread.inFlight.get(id);
    if (!job) return undefined;
    thread.inFlight.delete(id);
    clearTimeout(job.deadline);
    return job;
  }

  private received(thread: Thread, message: FromWorker): void {
    switch (message.type) {
      case "ready":
        thread.ready = true;
        thread.builds.add(message.buildId);
        this.logger.info({ thread: thread.id, buildId: message.buildId, ms: message.ms, ready: this.readyCount, of: this.size }, "a scoring worker is ready");
        // It started on a build the main thread has since moved on from.
        if (message.buildId !== this.target) void this.load(thread, this.target);
        else if (message.buildId === this.served) this.keepOnly(thread, message.buildId);
        for (const resolve of this.readyWaiters.splice(0)) resolve();
        break;
      case "loaded":
        thread.builds.add(message.buildId);
        thread.loads.get(message.buildId)?.settle();
        if (message.buildId === this.served) this.keepOnly(thread, message.buildId);
        break;
      case "refused":
        this.logger.error({ err: fromWire(message.error), thread: thread.id, buildId: message.buildId }, "a scoring worker cannot load the build the bot serves; replacing it");
        thread.loads.get(message.buildId)?.settle();
        void this.end(thread, "it could not load the build served");
        break;
      case "answer": {
        const job = this.settle(thread, message.id);
        if (job) {
          this.counts.inWorkers++;
          job.resolve(message.answer);
        }
        break;
      }
      case "failed":
        this.settle(thread, message.id)?.reject(fromWire(message.error));
        break;
      case "otherBuild": {
        const job = this.settle(thread, message.id);
        if (job) {
          thread.builds.delete(job.buildId);
          this.dispatch(job);
        }
        break;
      }
    }
    this.pump();
  }

  /** Asks `thread` to load `buildId`; resolves when it has, has refused, or is taking longer than LOAD_TIMEOUT_MS. */
  private load(thread: Thread, buildId: string): Promise<void> {
    if (thread.builds.has(buildId)) return Promise.resolve();
    const pending = thread.loads.get(buildId);
    if (pending) return pending.done;
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const timer = setTimeout(() => {
      this.logger.warn({ thread: thread.id, buildId, waitedMs: LOAD_TIMEOUT_MS }, "a scoring worker is still loading the new build; serving it meanwhile without that worker");
      settle();
    }, LOAD_TIMEOUT_MS);
    timer.unref();
    thread.loads.set(buildId, {
      done,
      settle: () => {
        clearTimeout(timer);
        thread.loads.delete(buildId);
        settle();
      },
    });
    const message: ToWorker = { type: "load", buildId };
    thread.worker.postMessage(message);
    return done;
  }

  private keepOnly(thread: Thread, buildId: string): void {
    if (thread.builds.size === 1) return;
    thread.builds = new Set([buildId]);
    const message: ToWorker = { type: "keep", buildId };
    thread.worker.postMessage(message);
  }

  /** A question still under way after the deadline: it fails, and its worker is replaced (its other questions are retried). */
  private stuck(thread: Thread, job: Job): void {
    if (!this.settle(thread, job.id)) return;
    job.reject(new Error(`Scoring the question took longer than ${SCORING_DEADLINE_MS / 1000} s: its worker thread was stopped and is being replaced`));
    void this.end(thread, `a question took longer than ${SCORING_DEADLINE_MS / 1000} s`);
  }

  /** Ends a worker on purpose: asked to finish and close, or stopped at once. Resolves once it has ended. */
  private end(thread: Thread, reason: string, { gracefully = false } = {}): Promise<void> {
    thread.ending ??= reason;
    const ended = new Promise<void>((resolve) => thread.worker.once("exit", () => resolve()));
    if (!gracefully) {
      void thread.worker.terminate();
      return ended;
    }
    const message: ToWorker = { type: "close" };
    thread.worker.postMessage(message);
    const timer = setTimeout(() => void thread.worker.terminate(), CLOSE_TIMEOUT_MS);
    return ended.finally(() => clearTimeout(timer));
  }

  private exited(thread: Thread, code: number): void {
    this.threads.delete(thread);
    for (const load of [...thread.loads.values()]) load.settle();
    const orphans = [...thread.inFlight.values()];
    thread.inFlight.clear();
    for (const job of orphans) {
      clearTimeout(job.deadline);
      if (job.attempts < MAX_ATTEMPTS) {
        job.attempts++;
        this.counts.retried++;
        this.dispatch(job);
      } else job.reject(new Error("The worker thread scoring this question stopped twice", { cause: thread.error }));
    }
    this.pump();
    if (this.closing) return;
    const ranForMs = Math.round(performance.now() - thread.startedAt);
    const pause = ranForMs >= HEALTHY_RUN_MS ? 0 : this.respawnPause;
    this.respawnPause = pause === 0 ? FIRST_RESPAWN_PAUSE_MS : Math.min(MAX_RESPAWN_PAUSE_MS, this.respawnPause * 2);
    const facts = { thread: thread.id, exitCode: code, questionsRetried: orphans.length, ranForMs, replacedInMs: pause };
    if (thread.ending) this.logger.warn({ ...facts, reason: thread.ending }, "stopped a scoring worker; starting another");
    else this.logger.error({ ...facts, err: thread.error }, "a scoring worker stopped unexpectedly; starting another (its questions are retried once)");
    const timer = setTimeout(() => {
      this.respawns.delete(timer);
      if (!this.closing) this.spawn();
    }, pause);
    this.respawns.add(timer);
  }
}
