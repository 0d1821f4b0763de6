import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildConfiguredIndex, embedderOptions } from "../src/app/open.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { loadIndex } from "../src/index/snapshot.js";
import { DEFAULT_WEIGHTS, Retriever } from "../src/retrieval/retriever.js";
import { tempDir, testConfig } from "./helpers.js";

/** An article on another topic, one sentence per paragraph, with a pronoun and a duration. */
const HARBOUR = `---
id: harbour-plan
title: Harbour plan approved
outlet: Coastal Times
published: 2024-03-02
---
The council met on Tuesday to vote on the harbour redevelopment.
Mayor Eleanor Voss opened the session with a short speech about the fishing fleet.
She described the redevelopment as a lifeline for the old quay.
The contract with the builders will run for 15 years and covers dredging and new moorings.
Councillor Tom Reyes arrived late for the signing of the harbour contract with the builders.
Mayor Eleanor Voss and Councillor Tom Reyes signed the harbour contract after the vote.
Residents raised concerns about traffic during the works.
Harbourmaster Ada Lind reported to the council on Monday.
According to the survey, the channel silts up twice as fast as it did in 1990.
An older survey found the channel was silting up slowly.
`;

async function harbourRetriever(weights = DEFAULT_WEIGHTS): Promise<Retriever> {
  const corpusDir = await tempDir("verbatim-corpus-");
  await mkdir(corpusDir, { recursive: true });
  await writeFile(join(corpusDir, "harbour.md"), HARBOUR);
  const config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: await tempDir("verbatim-index-") });
  const embedder = await loadEmbedder(embedderOptions(config));
  await buildConfiguredIndex(config, { embedder });
  return new Retriever(await loadIndex(config.INDEX_DIR), embedder, undefined, "hand", weights);
}

describe("retrieval on a corpus about something else", () => {
  it("takes the sentence before a 'She …' sentence as who is meant, and quotes both", async () => {
    const answer = await (await harbourRetriever()).ask("What did Voss call the redevelopment?");
    expect(answer.answered).toBe(true);
    expect(answer.results[0]!.quote).toContain("lifeline");
    expect(answer.results[0]!.quote).toContain("Mayor Eleanor Voss");
  });

  it("answers a duration question with the sentence holding the span of time", async () => {
    const answer = await (await harbourRetriever()).ask("what is the duration of the contract");
    expect(answer.answered).toBe(true);
    expect(answer.results[0]!.quote).toContain("15 years");
  });

  it("prefers the quote that spells the question's words as asked ('signed', not only 'signing')", async () => {
    const answer = await (await harbourRetriever()).ask("Who signed the harbour contract?");
    expect(answer.results[0]!.quote).toContain("signed the harbour contract");
  });

  it("takes the sentence before, across a paragraph break, as context: 'According to the survey, …' after the line naming who reported", async () => {
    const answer = await (await harbourRetriever()).ask("What did Ada Lind's survey find about the channel?");
    expect(answer.answered).toBe(true);
    expect(answer.results[0]!.quote).toContain("silts up");
  });

  it("does not answer a question about a name no article mentions, and says which", async () => {
    const retriever = await harbourRetriever();
    const answer = await retriever.ask("Who is the mayor of Lisbon?");
    expect(answer.answered).toBe(false);
    expect(answer.unmentioned).toEqual(["Lisbon"]);
    // Names the article uses, and an outlet named only in the articles' details, are mentioned.
    expect((await retriever.ask("What did Mayor Eleanor Voss speak about?")).unmentioned).toBeUndefined();
    expect((await retriever.ask("What did the Coastal Times report about the harbour?")).unmentioned).toBeUndefined();
  });
});
