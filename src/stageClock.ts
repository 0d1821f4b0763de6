/**
 * Where a question's time goes, stage by stage, for `npm run bench -- --stages`. The query path
 * calls `lap(stage)` at the end of each stage; without a clock installed (the bot, the CLI) a lap
 * is one undefined check. The clock attributes the time since the previous lap (or `start`) to
 * the stage named. The PostgreSQL store runs its keyword and vector rankings side by side: the
 * vector scan is then the time it waits, after the keyword ranking, for the vector ranking (which
 * returns its hits' passages and articles) and for the keyword candidates' rows; "candidate
 * fetch" reads the word vectors not cached and makes the candidates (the file store holds them
 * in memory: 0).
 */
export const QUERY_STAGES = ["tokenise", "keyword gather", "vector scan", "candidate fetch", "candidate features", "judge", "reply"] as const;
export type QueryStage = (typeof QUERY_STAGES)[number];

/** Milliseconds per stage, summed over the questions timed. */
export class StageClock {
  readonly totals = new Map<QueryStage, number[]>();
  private last = 0;
  private current: Partial<Record<QueryStage, number>> = {};

  /** Starts timing one question. */
  start(): void {
    this.current = {};
    this.last = performance.now();
  }

  lap(stage: QueryStage): void {
    const now = performance.now();
    this.current[stage] = (this.current[stage] ?? 0) + (now - this.last);
    this.last = now;
  }

  /** Ends one question: its stage times join the totals (a stage it did not reach counts 0). */
  stop(): void {
    for (const stage of QUERY_STAGES) {
      let list = this.totals.get(stage);
      if (!list) this.totals.set(stage, (list = []));
      list.push(this.current[stage] ?? 0);
    }
  }
}

let installed: StageClock | undefined;

/** Installs a clock for the laps of this process (undefined removes it). */
export function useStageClock(clock: StageClock | undefined): void {
  installed = clock;
}

/** Marks the end of a stage of the question being answered. */
export function lap(stage: QueryStage): void {
  installed?.lap(stage);
}
