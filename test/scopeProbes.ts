/**
 * The servers' isolation probe and the filters, below Discord, for any store: two servers with
 * articles of their own, and the questions that must find nothing of server A's from server B.
 * test/scopes.test.ts runs them on the file store, test/postgresScopes.test.ts on the PostgreSQL
 * store (by its exact scan of a scope's passages and through its HNSW graph).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { answerPage, answerQuestion } from "../src/app/answers.js";
import { FeedbackStore } from "../src/app/feedback.js";
import { scopedArticleId } from "../src/corpus/loadCorpus.js";
import type { IndexView } from "../src/index/source.js";
import type { Answer } from "../src/retrieval/answer.js";
import type { Retriever } from "../src/retrieval/retriever.js";
import { FilterError, outletsIn, scopedListing, type ArticleFilter, type ArticleScope } from "../src/retrieval/scope.js";
import { sourcesReply } from "../src/reply/discord.js";

export const A = "111111111111111111";
export const B = "222222222222222222";

/** Server A's articles: names, words and a title word found nowhere else. */
export const A_FILES: Record<string, string> = {
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

export const B_FILES: Record<string, string> = {
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
export const HARBOUR = scopedArticleId("a-harbour-accord", A);
export const KREMLIN = scopedArticleId("a-kremlin-visit", A);
export const FERRY = scopedArticleId("b-ferry-timetable", B);
export const A_IDS = new Set([HARBOUR, KREMLIN]);
export const B_IDS = new Set([FERRY]);

/** Both servers' articles in a copy of the treaty corpus, and a folder and a file under servers/ that belong to no server. */
export async function addServerArticles(corpus: string): Promise<void> {
  for (const [guild, files] of [[A, A_FILES], [B, B_FILES]] as const) {
    await mkdir(join(corpus, "servers", guild), { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(corpus, "servers", guild, name), text);
  }
  // Not a server's folder, and a file directly in servers/: neither is read.
  await mkdir(join(corpus, "servers", "general"), { recursive: true });
  await writeFile(join(corpus, "servers", "general", "x.md"), "# Wobblestone\n\nThe Wobblestone quarry closed in March after the flood, the owners said.\n");
  await writeFile(join(corpus, "servers", "loose.md"), "# Wobblestone\n\nThe Wobblestone mill reopened in June after repairs, the owners said.\n");
}

/** A retriever's view of a scope and filter, its words loaded (the PostgreSQL store reads them from the database). */
export async function viewOf(retriever: Retriever, scope: ArticleScope, filter: ArticleFilter = {}): Promise<IndexView> {
  const view = retriever.view(scope, filter);
  await view.prepare?.();
  return view;
}

/** Every article id an answer shows: its quotes' and their "also reported by". */
export function idsIn(answer: Answer): Set<string> {
  return new Set(answer.results.flatMap((quote) => [quote.source.id, ...quote.alsoReportedBy]));
}

export function overlaps(ids: Set<string>, of: Set<string>): string[] {
  return [...ids].filter((id) => of.has(id));
}

export const NAMES_OF_A = "What did Ottoline Fairweatherby sign in Quillamont about the Zorblaxian frumbleworth quays?";

/** The isolation probe, on the retriever `current()` gives when the tests start; `scratch()` is a folder for their votes. */
export function isolationProbes(current: () => Retriever, scratch: () => string): void {
  let retriever: Retriever;
  beforeAll(() => {
    retriever = current();
  });

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
    expect(lexicon.isTitleOnlyTerm("snargleton")).toBe(false);
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
    const feedback = await FeedbackStore.open(join(scratch(), `feedback-${Date.now()}`));
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
}

/** The outlet and date filters, on the retriever `current()` gives. */
export function filterProbes(current: () => Retriever): void {
  let retriever: Retriever;
  beforeAll(() => {
    retriever = current();
  });

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
}
