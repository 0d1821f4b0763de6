/**
 * The messages between the main thread and a scoring worker (scoringPool.ts, scoringWorker.ts).
 * A worker answers only from a build it has been told to load, named in every request, so the
 * quotes it returns always come from the build the main thread formats the reply from.
 */
import type { Config } from "../config.js";
import type { Answer } from "../retrieval/answer.js";
import type { AskOptions } from "../retrieval/retriever.js";

/** What a worker is started with: the configuration (it opens the model and the store itself) and the build to serve. */
export interface WorkerStart {
  config: Config;
  buildId: string;
}

/** The main thread to a worker. */
export type ToWorker =
  /** Score `question` on build `buildId` (answered with `answer`, `failed` or `otherBuild`). */
  | { type: "ask"; id: number; buildId: string; question: string; options: AskOptions }
  /** Load `buildId` beside the builds held (answered with `loaded` or `refused`). */
  | { type: "load"; buildId: string }
  /** `buildId` is served now: drop every other build (questions under way on one finish first). */
  | { type: "keep"; buildId: string }
  /** Finish the questions under way, close the database pool, and end. */
  | { type: "close" };

/** An error as it crosses threads: enough to log it and to tell a QuestionError from the rest. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

/** A worker to the main thread. */
export type FromWorker =
  | { type: "ready"; buildId: string; ms: number }
  | { type: "loaded"; buildId: string; ms: number }
  | { type: "refused"; buildId: string; error: WireError }
  | { type: "answer"; id: number; answer: Answer }
  | { type: "failed"; id: number; error: WireError }
  /** The worker no longer holds the request's build: the main thread answers it. */
  | { type: "otherBuild"; id: number };

/** An error, ready to post to another thread. */
export function toWire(error: unknown): WireError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: "Error", message: String(error) };
}

/** An Error rebuilt from another thread's, with that thread's stack. */
export function fromWire(wire: WireError): Error {
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.stack) error.stack = wire.stack;
  return error;
}
