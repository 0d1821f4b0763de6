import fc from "fast-check";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerPage, answerQuestion } from "../src/app/answers.js";
import { FeedbackStore } from "../src/app/feedback.js";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { readCorpus, scopedArticleId } from "../src/corpus/loadCorpus.js";
import { quotaProblem, serverUsage } from "../src/corpus/servers.js";
import { KeywordIndex } from "../src/index/keyword.js";
import { closePools } from "../src/index/postgres/database.js";
import { EXACT_SCAN_PASSAGES } from "../src/index/postgres/scope.js";
import type { PostgresSource } from "../src/index/postgres/source.js";
import type { IndexView } from "../src/index/source.js";
import { createVectorMatrix, topScores } from "../src/index/vectorMatrix.js";
import { createLogger } from "../src/log.js";
import type { Answer } from "../src/retrieval/answer.js";
import type { Retriever } from "../src/retrieval/retriever.js";
import { allowedArticles, FilterError, outletsIn, parseGuildId, scopedListing, type ArticleFilter, type ArticleScope } from "../src/retrieval/scope.js";
import { sourcesReply } from "../src/reply/discord.js";
import { tokenize } from "../src/text/terms.js";
import { TREATY_CORPUS, testConfig } from "./helpers.js";
import { startTestDatabase, type TestDatabase } from "./testDatabase.js";

const A = "111111111111111111";
const B = "222222222222222222";

/** Server A's articles: names, words and a title word found nowhere else. */
const A_FILES: Record<string, string> = {
  "harbour.md": `---
id: a-harbour-accord
title: "Snargleton pact: harbour accord signed"
outlet: "Vextoria Gazette"
published: "2025-02-03"
---
Ottoline Fairweatherby signed the Zorblaxian harbour accord in Quillamont on Monday, ending years of frumbleworth disputes over fishing rights.
The accord gives Quillamont control of the northern frumbleworth quays for thirty years, Fairweatherby told reporters.
Critics in Quillamont said the frumbleworth clauses were rushed through without a public vote.
`,
  // The same fact as a shared article (Voice of America), for "also reported by".
  "visit.md": `---
id: a-kremlin-visit
title: "Kremlin visit watched closely"
outlet: "Vextoria Gazette"
published: "2025-01-18"
---
Iranian President Masoud Pezeshkian arrived in Moscow on Friday for talks with Russian President Vladimir Putin and the signing of a strategic partnership treaty involving closer defense cooperation.
The visit was watched closely by traders in the port, officials said on Saturday.
`,
};

const B_FILES: Record<string, string> = {
  "ferry.md": `---
id: b-ferry-timetable
title: "Ferry timetable changes"
outlet: "Borealis Post"
published: "2025-03-10"
---
The Grindelwick ferry will sail twice daily from April, the harbour master announced on Tuesday.
Passengers complained that the winter timetable left the island cut off for days.
`,
};

// A server's article is indexed under its id tagged with its server (so two servers' copies of a page never collide).
const HARBOUR = scopedArticleId("a-harbour-accord", A);
const KREMLIN = scopedArticleId("a-kremlin-visit", A);
const FERRY = scopedArticleId("b-ferry-timetable", B);
const A_IDS = new Set([HARBOUR, KREMLIN]);
const B_IDS = new Set([FERRY]);

type Store = "files" | "postgres";
/** The stores the probes run on: the PostgreSQL store twice, its vector ranking by its exact scan of a scope's passages and through its HNSW graph. */
const PROBED = ["files store", "postgres store", "postgres store through its HNSW graph"] as const;

let dir: string;
let database: TestDatabase | undefined;
/** The same corpus in each store, learned ranking. */
const retrievers = {} as Record<Store, Retriever>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-scopes-"));
  const corpus = join(dir, "corpus");
  await cp(TREATY_CORPUS, corpus, { recursive: true });
  for (const [guild, files] of [[A, A_FILES], [B, B_FILES]] as const) {
    await mkdir(join(corpus, "servers", guild), { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(corpus, "servers", guild, name), text);
  }
  // Not a server's folder, and a file directly in servers/: neither is read.
  await mkdir(join(corpus, "servers", "general"), { recursive: true });
  await writeFile(join(corpus, "servers", "general", "x.md"), "# Wobblestone\n\nThe Wobblestone quarry closed in March after the flood, the owners said.\n");
  await writeFile(join(corpus, "servers", "loose.md"), "# Wobblestone\n\nThe Wobblestone mill reopened in June after repairs, the owners said.\n");
  const files = testConfig({ CORPUS_DIR: corpus, INDEX_DIR: join(dir, "index"), RANKING: "learned" });
  database = await startTestDatabase();
  const postgres = testConfig({ CORPUS_DIR: corpus, INDEX_DIR: join(dir, "no-file-index"), DATABASE_URL: database.url, RANKING: "learned" });
  await buildConfiguredIndex(files);
  retrievers.files = await openRetriever(files, createLogger("silent"));
  await buildConfiguredIndex(postgres, { embedder: retrievers.files.embedder });
  retrievers.postgres = await openRetriever(postgres, createLogger("silent"));
}, 180_000);

afterAll(async () => {
  await closePools();
  await database?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The retriever of a store as probed (the PostgreSQL store's vector searches set to scan or to walk the graph). */
function useStore(probed: (typeof PROBED)[number]): Retriever {
  (retrievers.postgres.source as PostgresSource).exactScanPassages = probed === "postgres store through its HNSW graph" ? 0 : EXACT_SCAN_PASSAGES;
  return probed === "files store" ? retrievers.files : retrievers.postgres;
}

/** A retriever's view of a scope and filter, its words loaded (the PostgreSQL store reads them from the database). */
async function viewOf(retriever: Retriever, scope: ArticleScope, filter: ArticleFilter = {}): Promise<IndexView> {
  const view = retriever.view(scope, filter);
  await view.prepare?.();
  return view;
}

/** Every article id an answer shows: its quotes' and their "also reported by". */
function idsIn(answer: Answer): Set<string> {
  return new Set(answer.results.flatMap((quote) => [quote.source.id, ...quote.alsoReportedBy]));
}

function overlaps(ids: Set<string>, of: Set<string>): string[] {
  return [...ids].filter((id) => of.has(id));
}

const NAMES_OF_A = "What did Ottoline Fairweatherby sign in Quillamont about the Zorblaxian frumbleworth quays?";

describe("the corpus's servers folder", () => {
  it("reads servers/<guild id>/ as that server's, and skips any other folder or file there, saying why", async () => {
    const report = await readCorpus(join(dir, "corpus"));
    expect(report.articles.map((article) => article.id)).toEqual(expect.arrayContaining([...A_IDS, ...B_IDS]));
    expect(report.articles.some((article) => article.title.includes("Wobblestone"))).toBe(false);
    const reasons = Object.fromEntries(report.skipped.map((skip) => [skip.file, skip.reason]));
    expect(reasons["servers/general"]).toMatch(/not a server's folder .*guild id/);
    expect(reasons["servers/loose.md"]).toMatch(/belongs to no server/);
  });

  it("counts a server's own articles and bytes for its quota", async () => {
    const usage = await serverUsage(join(dir, "corpus"), A);
    expect(usage.articles).toBe(2);
    expect(usage.bytes).toBe(Object.values(A_FILES).reduce((sum, text) => sum + Buffer.byteLength(text), 0));
    expect(await serverUsage(join(dir, "corpus"), "333333333333333333")).toEqual({ articles: 0, bytes: 0 });
    expect(quotaProblem(usage, 10, { maxArticles: 2, maxBytes: 1e9 })).toMatch(/already has 2 articles/);
    expect(quotaProblem(usage, 1e9, { maxArticles: 10, maxBytes: 1e6 })).toMatch(/more than the 1\.0 MB/);
    expect(quotaProblem(usage, 10, { maxArticles: 10, maxBytes: 1e6 })).toBeUndefined();
  });
});

describe.each(PROBED)("isolation (%s): server B asks about what only server A's articles say", (probed) => {
  let retriever: Retriever;
  beforeAll(() => {
    retriever = useStore(probed);
  });
  afterAll(() => useStore("files store"));

  it("finds no candidate passage of A's, on either ranking", async () => {
    const ranked = await retriever.rank(NAMES_OF_A, true, { scope: { guildId: B } });
    expect(ranked.candidates.length).toBeGreaterThan(0);
    expect(overlaps(new Set(ranked.candidates.map((c) => c.quote.source.id)), A_IDS)).toEqual([]);
    const fromA = await retriever.rank(NAMES_OF_A, true, { scope: { guildId: A } });
    expect(fromA.candidates[0]!.quote.source.id).toBe(HARBOUR);
  });

  it("quotes nothing of A's, and says no article mentions A's names; A finds them", async () => {
    const answer = await retriever.ask(NAMES_OF_A, { scope: { guildId: B }, limit: 25 });
    expect(overlaps(idsIn(answer), A_IDS)).toEqual([]);
    expect(answer.answered).toBe(false);
    expect(answer.unmentioned).toEqual(expect.arrayContaining(["Ottoline", "Fairweatherby", "Quillamont", "Zorblaxian"]));
    const fromA = await retriever.ask(NAMES_OF_A, { scope: { guildId: A } });
    expect(fromA.results[0]!.source.id).toBe(HARBOUR);
    expect(fromA.unmentioned).toBeUndefined();
  });

  it("does not take a word only in A's titles for a word of the articles", async () => {
    const fromB = await retriever.ask("What is in the Snargleton pact?", { scope: { guildId: B } });
    expect(fromB.unmentioned).toEqual(["Snargleton"]);
    const fromA = await retriever.ask("What is in the Snargleton pact?", { scope: { guildId: A } });
    expect(fromA.unmentioned).toBeUndefined();
  });

  it("never corrects a typo to a word only A's articles use", async () => {
    expect((await viewOf(retriever, { guildId: B })).lexicon.correct("frumbleworht")).toBeUndefined();
    expect((await viewOf(retriever, { guildId: A })).lexicon.correct("frumbleworht")?.spelling).toBe("frumbleworth");
    const fromB = await retriever.ask("What did Fairweatherbi sign?", { scope: { guildId: B } });
    expect(fromB.unmentioned).toEqual(["Fairweatherbi"]);
    expect(overlaps(idsIn(fromB), A_IDS)).toEqual([]);
    const fromA = await retriever.ask("What did Fairweatherbi sign?", { scope: { guildId: A } });
    expect(fromA.unmentioned).toBeUndefined();
    expect(fromA.results[0]!.source.id).toBe(HARBOUR);
  });

  it("weighs words by B's articles alone: a word only A uses is as unknown to B as a word nobody uses", async () => {
    const lexicon = (await viewOf(retriever, { guildId: B })).lexicon;
    expect(lexicon.has("frumbleworth")).toBe(false);
    expect(lexicon.idf("frumbleworth")).toBe(lexicon.idf("neverusedanywhere"));
    expect(lexicon.isTitleTerm("snargleton")).toBe(false);
    expect(retriever.view({ guildId: B }).articles.size).toBe(7);
  });

  it("names no article of A's as also reporting a fact B's articles report", async () => {
    const question = "Did Pezeshkian arrive in Moscow on Friday for talks with Putin and the treaty signing?";
    const fromA = await retriever.ask(question, { scope: { guildId: A }, limit: 10 });
    // The probe means something: from A, A's copy of the fact is quoted or named beside it.
    expect(idsIn(fromA).has(KREMLIN)).toBe(true);
    const fromB = await retriever.ask(question, { scope: { guildId: B }, limit: 10 });
    expect(fromB.results.length).toBeGreaterThan(0);
    expect(overlaps(idsIn(fromB), A_IDS)).toEqual([]);
  });

  it("lists and counts only B's scope in /sources", () => {
    const reply = sourcesReply(retriever.source, 0, { guildId: B });
    const text = JSON.stringify(reply);
    expect(text).not.toMatch(/Snargleton|Kremlin visit watched|Vextoria/);
    expect(text).toContain("Ferry timetable changes");
    const listing = scopedListing(retriever.source, { guildId: B });
    expect(listing.manifest.counts.articles).toBe(7);
    expect(Object.keys(listing.manifest.articles).some((id) => A_IDS.has(id))).toBe(false);
    const passages = Object.values(listing.manifest.articles).reduce((sum, entry) => sum + entry.passages, 0);
    expect(listing.manifest.counts.passages).toBe(passages);
    expect(reply.embeds[0]!.footer!.text).toContain("7 articles");
    expect(outletsIn(retriever.source.articles.values(), { guildId: B })).toEqual(["Borealis Post", "DW", "Los Angeles Times", "Voice of America"]);
  });

  it("counts only votes cast in the asker's server when moving quotes marked wrong", async () => {
    const feedback = await FeedbackStore.open(join(dir, `feedback-${Date.now()}`));
    const question = "does the treaty include mutual defence";
    const first = (await retriever.ask(question, { scope: { guildId: B } })).results[0]!;
    for (const user of ["1", "2", "3"]) {
      await feedback.record({ answer: `m${user}`, user, choice: "wrong", question, article: first.source.id, start: first.start, end: first.end, quote: first.quote, guild: A });
    }
    const same = (quote: { source: { id: string }; start: number }) => quote.source.id === first.source.id && quote.start === first.start;
    const fromB = await answerQuestion(retriever, question, { scope: { guildId: B }, limit: 10 }, feedback);
    expect(fromB.results[0]!.markedWrongBy).toBeUndefined();
    expect(same(fromB.results[0]!)).toBe(true);
    const fromDm = await answerQuestion(retriever, question, { limit: 10 }, feedback);
    expect(fromDm.results.find(same)?.markedWrongBy).toBeUndefined();
    const fromA = await answerQuestion(retriever, question, { scope: { guildId: A }, limit: 10 }, feedback);
    expect(fromA.results.find(same)?.markedWrongBy).toBe(3);
  });

  it("answers a DM (no server) from the shared articles only", async () => {
    const answer = await retriever.ask("When will the Grindelwick ferry sail twice daily?", { limit: 10 });
    expect(overlaps(idsIn(answer), new Set([...A_IDS, ...B_IDS]))).toEqual([]);
    const fromB = await retriever.ask("When will the Grindelwick ferry sail twice daily?", { scope: { guildId: B } });
    expect(fromB.results[0]!.source.id).toBe(FERRY);
    const names = await retriever.ask(NAMES_OF_A, { limit: 10 });
    expect(overlaps(idsIn(names), A_IDS)).toEqual([]);
  });

  it("gives the same quotes on every page asked again in the same scope", async () => {
    const first = await answerPage(retriever, "what did the treaty say about defence", 0, { scope: { guildId: B } });
    const again = await answerPage(retriever, "what did the treaty say about defence", 1, { scope: { guildId: B } });
    expect(again.answer.results.slice(0, first.answer.results.length)).toEqual(first.answer.results);
  });
});

describe.each(PROBED)("filters (%s)", (probed) => {
  let retriever: Retriever;
  beforeAll(() => {
    retriever = useStore(probed);
  });
  afterAll(() => useStore("files store"));

  it("answers from one outlet's articles only", async () => {
    const answer = await retriever.ask("who signed the treaty", { filter: { outlets: ["voice of america"] }, limit: 10 });
    expect(answer.results.length).toBeGreaterThan(0);
    for (const quote of answer.results) expect([quote.source.id, ...quote.alsoReportedBy].every((id) => retriever.source.articles.get(id)!.outlet === "Voice of America")).toBe(true);
  });

  it("answers from a date range only, leaving out articles with no date", async () => {
    const answer = await retriever.ask("who signed the treaty", { scope: { guildId: A }, filter: { since: "2025-01-18", until: "2025-02-28" }, limit: 10 });
    expect([...idsIn(answer)].every((id) => A_IDS.has(id))).toBe(true);
  });

  it("refuses an outlet the scope has no article from, naming the outlets it has", async () => {
    await expect(retriever.ask("who signed the treaty", { scope: { guildId: B }, filter: { outlets: ["Vextoria Gazette"] } })).rejects.toThrow(FilterError);
    await expect(retriever.ask("who signed the treaty", { scope: { guildId: B }, filter: { outlets: ["Vextoria Gazette"] } })).rejects.toThrow(/No article here is from “Vextoria Gazette”: the outlets here are Borealis Post, DW, Los Angeles Times, Voice of America/);
  });

  it("refuses dates back to front, and a filter that leaves no article", async () => {
    await expect(retriever.ask("who signed the treaty", { filter: { since: "2025-02-01", until: "2025-01-01" } })).rejects.toThrow(/back to front/);
    await expect(retriever.ask("who signed the treaty", { filter: { since: "2026-01-01" } })).rejects.toThrow(/No article here is published on or after 2026-01-01 \(articles with no date/);
  });

  it("checks a filter before scoring, so that a worker thread's caller gets the FilterError itself", async () => {
    const never = () => Promise.reject(new Error("scored"));
    await expect(answerQuestion(retriever, "who signed the treaty", { filter: { outlets: ["Nowhere"] } }, undefined, never)).rejects.toThrow(FilterError);
  });
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
        expect([word, b.lexicon.has(word), b.lexicon.idf(word), b.lexicon.isTitleTerm(word)]).toEqual([word, a.lexicon.has(word), a.lexicon.idf(word), a.lexicon.isTitleTerm(word)]);
        expect(b.lexicon.correct(word.slice(0, -1) + "x"), word).toEqual(a.lexicon.correct(word.slice(0, -1) + "x"));
      }
      expect([...b.articles.keys()].sort()).toEqual([...a.articles.keys()].sort());
    }
  });
});

describe("scopes without server articles", () => {
  it("are the whole index: no mask, the same answers", () => {
    const articles = [{ id: "a", file: "a.md", outlet: "", published: "" }];
    expect(allowedArticles(articles, { guildId: A })).toBeUndefined();
    expect(allowedArticles(articles, {})).toBeUndefined();
    expect(allowedArticles([...articles, { id: "b", file: `servers/${A}/b.md`, outlet: "", published: "" }], {})).toEqual(new Set(["a"]));
  });

  it("refuse a guild id that is not one", () => {
    expect(parseGuildId(` ${A} `)).toBe(A);
    for (const bad of ["", "abc", "123", "<@123456789012345678>", "1".repeat(21)]) expect(() => parseGuildId(bad)).toThrow(FilterError);
  });
});

describe("masked rankings", () => {
  it("score a mask's documents by BM25 as an index of those documents alone", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom("a", "b", "c", "d", "e"), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 30 }), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (documents, keep) => {
        const index = KeywordIndex.build(documents);
        const allowed = Uint8Array.from(documents, (_, i) => (keep[i] ? 1 : 0));
        const mask = index.mask(allowed);
        const kept = documents.map((_, i) => i).filter((i) => keep[i]);
        const alone = KeywordIndex.build(kept.map((i) => documents[i]!));
        const query = new Map([["a", 1], ["c", 1]]);
        const masked = index.search(query, 10, { mask, idf: (term) => Math.log(1 + (mask.documents - index.documentFrequencyWithin(term, mask) + 0.5) / (index.documentFrequencyWithin(term, mask) + 0.5)) });
        const expected = alone.search(query, 10).map((hit) => ({ doc: kept[hit.doc]!, score: hit.score }));
        expect(masked).toEqual(expected);
      }),
    );
  });

  it("find a mask's nearest rows exactly, through the int8 scan too", () => {
    const dimensions = 32;
    const rows = 6000;
    const matrix = createVectorMatrix(rows, dimensions);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (let i = 0; i < rows * dimensions; i++) matrix.data[i] = random();
    matrix.prepare();
    for (const share of [1, 0.5, 0.1, 0.01]) {
      const allowed = Uint8Array.from({ length: rows }, () => (random() + 1 < share * 2 ? 1 : 0));
      const mask = { allowed, count: allowed.reduce((sum, x) => sum + x, 0) };
      for (let q = 0; q < 5; q++) {
        const vector = Float32Array.from({ length: dimensions }, random);
        const { hits, similarity } = matrix.nearest(vector, 40, mask);
        const scores = matrix.similarities(vector);
        expect(hits).toEqual(topScores(scores, 40, mask));
        expect(hits.every((hit) => allowed[hit.row] === 1 && similarity(hit.row) === scores[hit.row])).toBe(true);
        // An all-allowed mask changes nothing.
        if (share === 1) expect(matrix.nearest(vector, 40, { allowed: new Uint8Array(rows).fill(1), count: rows }).hits).toEqual(matrix.nearest(vector, 40).hits);
      }
    }
    expect(matrix.scans.int8).toBeGreaterThan(0);
  });
});
