/**
 * A scoring worker (a thread of the bot's process, started by scoringPool.ts): it opens the model
 * and the configured store itself, read-only, and scores questions on the build the main thread
 * names. It never builds an index, never logs and never talks to Discord: what it finds goes back
 * to the main thread, which applies the feedback rule and formats the reply.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadEmbedder } from "../embeddings/embedder.js";
import { closePools } from "../index/postgres/database.js";
import type { Retriever } from "../retrieval/retriever.js";
import { configuredRetriever, configuredWatcher, embedderOptions, WARM_UP_QUESTION } from "./open.js";
import { toWire, type FromWorker, type ToWorker, type WorkerStart } from "./scoringProtocol.js";

if (!parentPort) throw new Error("scoringWorker.ts runs as a worker thread of the bot (src/app/scoringPool.ts), not on its own");
const port = parentPort;
const start = workerData as WorkerStart;
/** The main thread's configuration, as it validated it (rule: only config.ts reads the environment). */
const config = Object.freeze(start.config);
const post = (message: FromWorker) => port.postMessage(message);

const embedder = await loadEmbedder(embedderOptions(config));
const watcher = await configuredWatcher(config);
/** The builds held, by id: the one served, and the next while the main thread switches to it. */
const builds = new Map<string, Retriever>();
const underWay = new Set<Promise<void>>();

/** Loads a build, warmed up as the main thread's is, so no question pays for lazy work. */
async function open(buildId: string): Promise<Retriever> {
  const { retriever } = await configuredRetriever(config, await watcher.loadNamed(buildId), embedder);
  await retriever.warmUp();
  await retriever.ask(WARM_UP_QUESTION);
  return retriever;
}

function ask(message: Extract<ToWorker, { type: "ask" }>): void {
  const retriever = builds.get(message.buildId);
  if (!retriever) return post({ type: "otherBuild", id: message.id });
  const work = retriever.ask(message.question, message.options).then(
    (answer) => post({ type: "answer", id: message.id, answer }),
    (error: unknown) => post({ type: "failed", id: message.id, error: toWire(error) }),
  );
  underWay.add(work);
  void work.finally(() => underWay.delete(work));
}

async function load(buildId: string): Promise<void> {
  if (builds.has(buildId)) return post({ type: "loaded", buildId, ms: 0 });
  const started = performance.now();
  try {
    builds.set(buildId, await open(buildId));
    post({ type: "loaded", buildId, ms: Math.round(performance.now() - started) });
  } catch (error) {
    post({ type: "refused", buildId, error: toWire(error) });
  }
}

async function close(): Promise<void> {
  await Promise.allSettled([...underWay]);
  await closePools();
  // Ends this thread only (the loader's channel would otherwise keep it alive).
  process.exit(0);
}

const started = performance.now();
builds.set(start.buildId, await open(start.buildId));
port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "ask":
      return ask(message);
    case "load":
      return void load(message.buildId);
    case "keep":
      for (const id of [...builds.keys()]) if (id !== message.buildId) builds.delete(id);
      return;
    case "close":
      return void close();
  }
});
post({ type: "ready", buildId: start.buildId, ms: Math.round(performance.now() - started) });
