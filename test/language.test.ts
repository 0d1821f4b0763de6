import { describe, expect, it } from "vitest";
import { answerReply } from "../src/reply/discord.js";
import { formatAnswer } from "../src/reply/terminal.js";
import { foreignLanguage } from "../src/retrieval/language.js";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { createLogger } from "../src/log.js";
import { FIXTURE_QUESTIONS, writeFixtureCorpus } from "./fixtures/articles.js";
import { tempDir, testConfig } from "./helpers.js";

describe("the question's language", () => {
  it.each([
    ["qui a signé le contrat du port", "French"],
    ["¿quién firmó el contrato del puerto y cuándo empiezan las obras?", "Spanish"],
    ["wer hat den Vertrag für den Hafen unterzeichnet", "German"],

    ["چه کسی این قرارداد را امضا کرد", "Persian"],
  ])("is named when it is not English: %s", (question, name) => {
    expect(foreignLanguage(question, 0.9)?.name).toBe(name);
  });

  it.each(["ecb main job?", "nicaea council easter ruling when", "hormuud telecom 2012 launch", "delhi metro total lenght", "whats the holy trinity", "how many buddhists outside asia", "who is the mayor of the town"])(
    "is not guessed from a short English fragment, even one the articles barely know: %s",
    (question) => {
      expect(foreignLanguage(question, 0.9)).toBeUndefined();
    },
  );

  it("says only that it is not English when the script is clear but the language is not", () => {
    expect(foreignLanguage("кто подписал", 0)).toEqual({ code: "und", name: "" });
    // franc-min tells Russian from Bulgarian and Ukrainian poorly in a sentence this short.
    expect(["Russian", "Bulgarian", "Ukrainian", ""]).toContain(foreignLanguage("кто подписал договор о порте, и когда он вступит в силу", 0)?.name);
  });

  it("is not questioned when most of the words are the articles' own", () => {
    expect(foreignLanguage("la Mayor Eleanor Voss harbour contract", 0.2)).toBeUndefined();
  });

  it("gets a note and no quotes, on Discord, on the terminal and in JSON", async () => {
    const corpusDir = await tempDir("verbatim-corpus-");
    await writeFixtureCorpus(corpusDir);
    const config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: await tempDir("verbatim-index-") });
    await buildConfiguredIndex(config);
    const retriever = await openRetriever(config, createLogger("silent"));
    const answer = await retriever.ask("quand la bibliothèque a-t-elle rouvert ses portes");
    expect(answer).toMatchObject({ answered: false, results: [], language: { code: "fra", name: "French" } });
    const note = "the question looks like French, and the articles are in English. Please ask in English.";
    expect(answerReply({ answer, page: 0, hasMore: false, buildId: "b", sourceOf: () => undefined }).content).toContain(note);
    expect(formatAnswer(answer, (id) => id)).toContain(note);
    // The English questions about the same articles are answered as before.
    for (const question of FIXTURE_QUESTIONS) expect((await retriever.ask(question)).language).toBeUndefined();
  });
});
