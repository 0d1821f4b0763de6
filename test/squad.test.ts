import { execFileSync } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildConfiguredIndex } from "../src/app/open.js";
import { PROJECT_ROOT } from "../src/config.js";
import { parseArticleFile } from "../src/corpus/frontMatter.js";
import { SentenceBaseline } from "../src/evaluation/baseline.js";
import { parseQuestionSet } from "../src/evaluation/metrics.js";
import { articleFile, articleId, buildSplitSet, goldSpan, seededRandom, shuffled, splitArticles, type SquadQuestion } from "../src/evaluation/squad.js";
import { loadIndex } from "../src/index/snapshot.js";
import { writeFixtureCorpus } from "./fixtures/articles.js";
import { tempDir, testConfig } from "./helpers.js";

const question = (over: Partial<SquadQuestion>): SquadQuestion => ({ qid: "a000p000q00", pid: "a000p000", article: "A", question: "q?", answers: ["x"], answer_sentence: "x", ambiguous: false, ...over });

describe("SQuAD evaluation sets", () => {
  it("shuffles the same way for the same seed, and differently for another", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect(shuffled(items, seededRandom(7))).toEqual(shuffled(items, seededRandom(7)));
    expect(shuffled(items, seededRandom(7))).not.toEqual(shuffled(items, seededRandom(8)));
    expect([...shuffled(items, seededRandom(7))].sort((a, b) => a - b)).toEqual(items);
  });

  it("splits articles into disjoint train, validation and test sets covering them all", () => {
    const titles = Array.from({ length: 442 }, (_, i) => `Article ${i}`);
    const splits = splitArticles(titles);
    const all = [...splits.train, ...splits.validation, ...splits.test];
    expect(new Set(all).size).toBe(442);
    expect(splits.test.length).toBeGreaterThanOrEqual(66);
    expect(splits).toEqual(splitArticles([...titles].reverse()));
  });

  it("makes ids and article files our corpus accepts", () => {
    expect(articleId("Beyoncé Knowles: the 2000s!")).toBe("beyonce-knowles-the-2000s");
    const text = articleFile("Beyoncé", [
      { pid: "a0p1", article: "Beyoncé", para: 1, context: "Second paragraph." },
      { pid: "a0p0", article: "Beyoncé", para: 0, context: "First paragraph." },
    ]);
    const parsed = parseArticleFile("beyonce.md", text);
    expect(parsed.source).toMatchObject({ id: "beyonce", title: "Beyoncé", outlet: "Wikipedia", url: "https://en.wikipedia.org/wiki/Beyonc%C3%A9" });
    expect(parsed.body).toBe("First paragraph.\n\nSecond paragraph.\n");
  });

  it("takes the answer with some of its sentence around it, cut at words, as the gold span", () => {
    const sentence = "In the spring of 1850 the small harbour town of Westport opened its first public library with two hundred books.";
    const gold = goldSpan(question({ answers: ["1850"], answer_sentence: sentence }))!;
    expect(sentence).toContain(gold);
    expect(gold).toContain("1850");
    expect(gold.length).toBeLessThan(sentence.length);
    expect(gold).toMatch(/^\S.*\S$/);
    expect(goldSpan(question({ answers: ["1851"], answer_sentence: sentence }))).toBeUndefined();
  });

  it("asks answerable questions only about articles in the corpus, and unanswerable ones about the others", () => {
    const titles = Array.from({ length: 20 }, (_, i) => `T${i}`);
    const questions = [...titles, "Other"].flatMap((article) => [0, 1, 2].map((k) => question({ qid: `${article}q${k}`, article, answers: ["x"], answer_sentence: "a x b" })));
    const set = buildSplitSet(titles, ["Other"], [...questions, question({ qid: "amb", article: "T1", ambiguous: true })], { answerable: 100, takenOut: 100, otherTopics: 100 });
    expect(set.takenOut).toHaveLength(2);
    const corpus = new Set(set.corpus);
    const articleOf = new Map(questions.map((q) => [q.qid, q.article]));
    for (const labelled of set.questions) {
      if (labelled.unanswerable) expect(corpus.has(articleOf.get(labelled.id)!)).toBe(false);
      else expect(corpus.has(articleOf.get(labelled.id)!)).toBe(true);
    }
    expect(set.questions.some((q) => q.id === "amb")).toBe(false);
    expect(set.questions.filter((q) => q.unanswerable)).toHaveLength(9);
  });

  it("builds the shared SQuAD sets reproducibly, with enough unseen articles and questions in test", { timeout: 60_000 }, async () => {
    const out = await tempDir("verbatim-squad-");
    const run = () => JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "scripts/squad-sets.ts", "--out", out], { cwd: PROJECT_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    const summary = run();
    expect(summary.test.articles).toBeGreaterThanOrEqual(60);
    expect(summary.test.answerable).toBeGreaterThanOrEqual(2000);
    expect(summary.test.unanswerable).toBeGreaterThanOrEqual(300);
    const first = await readFile(join(out, "test", "questions.json"), "utf8");
    parseQuestionSet(JSON.parse(first));
    expect(run()).toEqual(summary);
    expect(await readFile(join(out, "test", "questions.json"), "utf8")).toBe(first);
    const splits = await Promise.all(["train", "validation", "test"].map(async (split) => JSON.parse(await readFile(join(out, split, "split.json"), "utf8")) as { corpus: string[]; takenOut: string[] }));
    const seen = splits.flatMap((split) => [...split.corpus, ...split.takenOut]);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await readdir(join(out, "test", "corpus"))).length).toBe(summary.test.articles);
  });
});

describe("the BM25 sentence baseline", () => {
  it("quotes whole indexed sentences, verbatim, best match first", async () => {
    const corpusDir = await tempDir("verbatim-corpus-");
    await writeFixtureCorpus(corpusDir);
    const config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: await tempDir("verbatim-index-") });
    await buildConfiguredIndex(config);
    const snapshot = await loadIndex(config.INDEX_DIR);
    const answer = new SentenceBaseline(snapshot).ask("when did the library reopen");
    expect(answer.answered).toBe(true);
    expect(answer.results[0]!.quote).toBe("The city library reopened on Monday after two years of repairs to its roof.");
    for (const result of answer.results) expect(snapshot.articles.get(result.source.id)!.body.slice(result.start, result.end)).toBe(result.quote);
  });
});
