import { createRequire } from "node:module";
import type * as CliProgress from "cli-progress";
import type { ProgressReporter } from "../index/build.js";

/** Plain progress lines at most this often when stderr is not a terminal (CI logs, pipes). */
const PLAIN_INTERVAL_MS = 2_000;

/** A progress bar with ETA on a terminal, plain "embedded n/N" lines otherwise, and the build's notes as lines; always on stderr. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (stream.isTTY) {
    let bar: CliProgress.SingleBar | undefined;
    return {
      start(total) {
        // Loaded when a build starts embedding: a question on a built index never draws a bar.
        const { SingleBar, Presets } = createRequire(import.meta.url)("cli-progress") as typeof CliProgress;
        bar = new SingleBar({ stream, format: "embedding {bar} {percentage}% | {value}/{total} passages | ETA {eta_formatted}", hideCursor: true }, Presets.shades_classic);
        bar.start(total, 0);
      },
      update: (done) => bar?.update(done),
      stop: () => bar?.stop(),
      note: (message) => stream.write(`${message}\n`),
    };
  }
  let total = 0;
  let started = 0;
  let last = 0;
  const line = (done: number) => {
    const elapsed = (Date.now() - started) / 1000;
    const eta = done > 0 ? Math.round((elapsed / done) * (total - done)) : 0;
    stream.write(`embedding: ${done}/${total} passages (${Math.round((100 * done) / Math.max(1, total))}%), ETA ${eta}s\n`);
  };
  return {
    start(n) {
      total = n;
      started = last = Date.now();
      line(0);
    },
    update(done) {
      if (Date.now() - last >= PLAIN_INTERVAL_MS || done === total) {
        last = Date.now();
        line(done);
      }
    },
    stop() {},
    note: (message) => stream.write(`${message}\n`),
  };
}
