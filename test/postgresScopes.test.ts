/**
 * Scopes and filters on the PostgreSQL store (the slow tier: a database): the servers' isolation
 * probe and the filters of scopeProbes.ts, by the store's exact scan of a scope's passages and
 * through its HNSW graph; its scoped and filtered answers against the file store's; and the CLI's
 * --server on it. On PGlite, or on the native server TEST_DATABASE_URL names.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { PROJECT_ROOT } from "../src/config.js";
import { closePools } from "../src/index/postgres/database.js";
import { EXACT_SCAN_PASSAGES } from "../src/index/postgres/scope.js";
import type { PostgresSource } from "../src/index/postgres/source.js";
import { createLogger } from "../src/log.js";
import type { Retriever } from "../src/retrieval/retriever.js";
import type { ArticleFilter, ArticleScope } from "../src/retrieval/scope.js";
import { tokenize } from "../src/text/terms.js";
import { TREATY_CORPUS, testConfig } from "./helpers.js";
import { A, addServerArticles, B, FERRY, filterProbes, HARBOUR, isolationProbes, NAMES_OF_A, viewOf } from "./scopeProbes.js";
import { startTestDatabase, type TestDatabase } from "./testDatabase.js";

type Store = "files" | "postgres";

let dir: string;
let database: TestDatabase | undefined;
/** The same corpus in each store, learned ranking. */
const retrievers = {} as Record<Store, Retriever>;
/** The PostgreSQL store warmed up: its vector searches by the vectors held in the process. */
let held: Retriever;
/** The PostgreSQL store's settings, for the CLI. */
let postgresEnv: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-pg-scopes-"));
  const corpus = join(dir, "corpus");
  await cp(TREATY_CORPUS, corpus, { recursive: true });
  await addServerArticles(corpus);
  const files = testConfig({ CORPUS_DIR: corpus, INDEX_DIR: join(dir, "index"), RANKING: "learned" });
  database = await startTestDatabase();
  postgresEnv = { CORPUS_DIR: corpus, INDEX_DIR: join(dir, "no-file-index"), FEEDBACK_DIR: join(dir, "feedback"), DATABASE_URL: database.url, RANKING: "learned" };
  const postgres = testConfig(postgresEnv);
  await buildConfiguredIndex(files);
  retrievers.files = await openRetriever(files, createLogger("silent"));
  await buildConfiguredIndex(postgres, { embedder: retrievers.files.embedder });
  retrievers.postgres = await openRetriever(postgres, createLogger("silent"));
  // Warmed up as the bot is: its vectors held in the process. Widths of 40 then 60 passages (of the
  // 40 asked for), so that the bound often fails and the scope's exact scan answers too.
  held = await openRetriever(postgres, createLogger("silent"));
  await held.warmUp();
  (held.source as PostgresSource).heldCandidates = [40, 60];
}, 180_000);

afterAll(async () => {
  await closePools();
  await database?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The PostgreSQL store's retriever, its scoped vector searches set to scan every allowed passage, to walk the HNSW graph, or by the vectors held in the process. */
function postgresBy(vectors: "scan" | "graph" | "held"): Retriever {
  if (vectors === "held") return held;
  (retrievers.postgres.source as PostgresSource).exactScanPassages = vectors === "graph" ? 0 : EXACT_SCAN_PASSAGES;
  return retrievers.postgres;
}

describe.each(["scan", "graph", "held"] as const)("isolation (PostgreSQL store, vectors by %s): server B asks about what only server A's articles say", (vectors) => {
  isolationProbes(() => postgresBy(vectors), () => dir);
  afterAll(() => void postgresBy("scan"));
});

describe.each(["scan", "graph", "held"] as const)("filters (PostgreSQL store, vectors by %s)", (vectors) => {
  filterProbes(() => postgresBy(vectors));
  afterAll(() => void postgresBy("scan"));
});

describe("the PostgreSQL store within a scope", () => {
  it("reads no word of a scope's view before its word counts are loaded, rather than guess them", async () => {
    const source = retrievers.postgres.source as PostgresSource;
    const view = source.restrict(new Set([FERRY]));
    const ferry = tokenize("ferry")[0]!.term;
    expect(() => view.lexicon.has(ferry)).toThrow(/before prepare\(\) loaded its word counts/);
    await view.prepare!();
    expect(view.lexicon.has(ferry)).toBe(true);
    expect(view.lexicon.has("frumbleworth")).toBe(false);
    expect(view.articles.size).toBe(1);
  });
});

/** Questions asked in scopes and with filters for the stores' parity: A's and B's own words, shared facts, typos, names. */
const PARITY: [string, ArticleScope, ArticleFilter][] = [
  [NAMES_OF_A, { guildId: B }, {}],
  [NAMES_OF_A, { guildId: A }, {}],
  ["What did Fairweatherbi sign?", { guildId: A }, {}],
  ["What did Fairweatherbi sign?", { guildId: B }, {}],
  ["Did Pezeshkian arrive in Moscow on Friday for talks with Putin and the treaty signing?", { guildId: A }, {}],
  ["Did Pezeshkian arrive in Moscow on Friday for talks with Putin and the treaty signing?", { guildId: B }, {}],
  ["When will the Grindelwick ferry sail twice daily?", { guildId: B }, {}],
  ["does the treaty include mutual defence", { guildId: B }, {}],
  ["wat did pezeshkain say about the west", {}, {}],
  ["who signed the treaty", {}, { outlets: ["voice of america"] }],
  ["does the treaty include mutual defence", { guildId: A }, { since: "2025-01-18", until: "2025-02-28" }],
  ["What is in the Snargleton pact?", { guildId: A }, { outlets: ["Vextoria Gazette"] }],
  ["drones used in Ukraine", { guildId: B }, { until: "2025-01-31" }],
];

describe("scoped and filtered answers", () => {
  it("are the same from the PostgreSQL store as from the file store, quotes, order and scores, by its exact scan and through its HNSW graph", { timeout: 120_000 }, async () => {
    const source = retrievers.postgres.source as PostgresSource;
    try {
      // Every scope's passages scanned exactly, then every one searched through the graph (iterative scan).
      for (const exactScan of [Infinity, 0]) {
        source.exactScanPassages = exactScan;
        for (const [question, scope, filter] of PARITY) {
          const [a, b] = await Promise.all([retrievers.files.ask(question, { scope, filter, limit: 8 }), retrievers.postgres.ask(question, { scope, filter, limit: 8 })]);
          const what = `${question} ${JSON.stringify([scope, filter])} exact scan up to ${exactScan}`;
          expect(b.answered, what).toBe(a.answered);
          expect(b.unmentioned, what).toEqual(a.unmentioned);
          expect(b.results.map((r) => [r.source.id, r.start, r.end, r.quote, r.alsoReportedBy]), what).toEqual(a.results.map((r) => [r.source.id, r.start, r.end, r.quote, r.alsoReportedBy]));
          b.results.forEach((r, i) => expect(r.score, what).toBeCloseTo(a.results[i]!.score, 5));
        }
      }
    } finally {
      source.exactScanPassages = EXACT_SCAN_PASSAGES;
    }
    // By the vectors held in the process: exact, through the first width, the second or the scope's scan.
    for (const [question, scope, filter] of PARITY) {
      const [a, b] = await Promise.all([retrievers.files.ask(question, { scope, filter, limit: 8 }), held.ask(question, { scope, filter, limit: 8 })]);
      const what = `${question} ${JSON.stringify([scope, filter])} by the held vectors`;
      expect(b.answered, what).toBe(a.answered);
      expect(b.results.map((r) => [r.source.id, r.start, r.end, r.quote, r.alsoReportedBy]), what).toEqual(a.results.map((r) => [r.source.id, r.start, r.end, r.quote, r.alsoReportedBy]));
      b.results.forEach((r, i) => expect(r.score, what).toBeCloseTo(a.results[i]!.score, 5));
    }
    const searches = (held.source as PostgresSource).vectorSearches;
    expect(searches.graph).toBe(0);
    expect(searches.held + searches.widened + searches.scanned).toBeGreaterThanOrEqual(PARITY.length);
  });

  it("rank the same candidates with the same keyword scores: the scope's rarities and mean length", async () => {
    for (const [question, scope, filter] of PARITY) {
      const [a, b] = await Promise.all([retrievers.files.rank(question, true, { scope, filter }), retrievers.postgres.rank(question, true, { scope, filter })]);
      const keywordOf = (ranked: typeof a) => ranked.candidates.map((c) => [c.quote.source.id, c.quote.start, c.features.keyword]).sort();
      expect(keywordOf(b), question).toEqual(keywordOf(a));
    }
  });

  it("weigh every word as the file store's restricted view does, counted from either side of the scope", async () => {
    const words = ["treaty", "frumbleworth", "ferry", "grindelwick", "putin", "moscow", "signed", "neverusedanywhere", "snargleton", "vextoria"].map((word) => tokenize(word)[0]!.term);
    for (const [scope, filter] of [[{ guildId: B }, {}], [{ guildId: A }, {}], [{}, { outlets: ["voice of america"] }], [{ guildId: A }, { outlets: ["Vextoria Gazette"] }]] as [ArticleScope, ArticleFilter][]) {
      const [a, b] = await Promise.all([viewOf(retrievers.files, scope, filter), viewOf(retrievers.postgres, scope, filter)]);
      for (const word of words) {
        expect([word, b.lexicon.has(word), b.lexicon.idf(word), b.lexicon.isTitleOnlyTerm(word)]).toEqual([word, a.lexicon.has(word), a.lexicon.idf(word), a.lexicon.isTitleOnlyTerm(word)]);
        expect(b.lexicon.correct(word.slice(0, -1) + "x"), word).toEqual(a.lexicon.correct(word.slice(0, -1) + "x"));
      }
      expect([...b.articles.keys()].sort()).toEqual([...a.articles.keys()].sort());
    }
  });
});


/** Runs `npm run ask -- …`'s script in a child process on the PostgreSQL store, without blocking this process (PGlite's server runs in it). */
function ask(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "src/cli/ask.ts", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: "silent", ...postgresEnv }, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("npm run ask --server on the PostgreSQL store", () => {
  it("asks as a server would, and narrows to an outlet, from the database", { timeout: 120_000 }, async () => {
    const fromA = await ask(["--json", "--server", A, NAMES_OF_A]);
    expect(fromA.code, fromA.stdout + fromA.stderr).toBe(0);
    expect(JSON.parse(fromA.stdout).results[0].source.id).toBe(HARBOUR);
    for (const args of [["--server", B], []]) {
      const other = await ask(["--json", ...args, NAMES_OF_A]);
      expect(other.code, other.stdout + other.stderr).toBe(0);
      expect(other.stdout).not.toMatch(/a-harbour-accord|Fairweatherby signed/);
      expect(JSON.parse(other.stdout).unmentioned).toEqual(expect.arrayContaining(["Ottoline", "Fairweatherby", "Quillamont"]));
    }
    const filtered = await ask(["--json", "--server", A, "--outlet", "voice of america", "who signed the treaty"]);
    expect(filtered.code, filtered.stdout + filtered.stderr).toBe(0);
    const answer = JSON.parse(filtered.stdout);
    expect(answer.results.length).toBeGreaterThan(0);
    for (const quote of answer.results) expect(quote.source.outlet).toBe("Voice of America");
  });

  it("lists a server's scope with sources --server, counted in it alone, from the database", { timeout: 120_000 }, async () => {
    const [fromA, fromB, shared] = await Promise.all([ask(["--sources", "--json", "--server", A]), ask(["--sources", "--json", "--server", B]), ask(["--sources", "--json"])]);
    for (const run of [fromA, fromB, shared]) expect(run.code, run.stdout + run.stderr).toBe(0);
    const [a, b, none] = [fromA, fromB, shared].map((run) => JSON.parse(run.stdout) as { articles: number }) as [{ articles: number }, { articles: number }, { articles: number }];
    expect(a.articles).toBe(b.articles + 1);
    expect(none.articles).toBe(b.articles - 1);
    expect(fromA.stdout).toMatch(/Harbour accord/i);
    for (const run of [fromB, shared]) expect(run.stdout).not.toMatch(/Harbour accord|Vextoria|Snargleton/);
  });
});
