import fc from "fast-check";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { readCorpus } from "../src/corpus/loadCorpus.js";
import { quotaProblem, serverUsage } from "../src/corpus/servers.js";
import { KeywordIndex } from "../src/index/keyword.js";
import { createVectorMatrix, topScores } from "../src/index/vectorMatrix.js";
import { createLogger } from "../src/log.js";
import type { Retriever } from "../src/retrieval/retriever.js";
import { allowedArticles, FilterError, parseGuildId } from "../src/retrieval/scope.js";
import { TREATY_CORPUS, testConfig } from "./helpers.js";
import { A, A_FILES, A_IDS, addServerArticles, B_IDS, filterProbes, isolationProbes } from "./scopeProbes.js";

let dir: string;
let retriever: Retriever;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-scopes-"));
  const corpus = join(dir, "corpus");
  await cp(TREATY_CORPUS, corpus, { recursive: true });
  await addServerArticles(corpus);
  const config = testConfig({ CORPUS_DIR: corpus, INDEX_DIR: join(dir, "index"), RANKING: "learned" });
  await buildConfiguredIndex(config);
  retriever = await openRetriever(config, createLogger("silent"));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

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

describe("isolation (file store): server B asks about what only server A's articles say", () => {
  isolationProbes(() => retriever, () => dir);
});

describe("filters (file store)", () => {
  filterProbes(() => retriever);
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
