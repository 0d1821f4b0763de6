import fc from "fast-check";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { createLogger } from "../src/log.js";
import { allowedEdits, editDistance, TypoCorrector } from "../src/text/typos.js";
import { tempDir, testConfig } from "./helpers.js";

describe("edit distance", () => {
  it.each([
    ["pezeshkain", "pezeshkian", 1],
    ["signd", "signed", 1],
    ["kitten", "sitting", 3],
    ["same", "same", 0],
    ["", "abc", 3],
  ])("from %s to %s is %i (swaps of neighbours count one)", (a, b, distance) => {
    expect(editDistance(a, b, 5)).toBe(distance);
  });

  it("stops at the bound, and agrees with itself both ways", () => {
    expect(editDistance("abcdefgh", "zyxwvuts", 2)).toBe(3);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b, 20);
        expect(editDistance(b, a, 20)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(editDistance(a, b, 1)).toBe(Math.min(d, 2));
      }),
    );
  });

  it("gives the same distance under any bound it stays within (a swap reaches back two rows)", () => {
    // Once stopped at a row whose every value was over the bound, though a swap from the row before could still bring it back.
    expect(editDistance("! ", ' "!', 2)).toBe(editDistance("! ", ' "!', 20));
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), fc.integer({ min: 0, max: 4 }), (a, b, max) => {
        expect(editDistance(a, b, max)).toBe(Math.min(editDistance(a, b, 20), max + 1));
      }),
      { numRuns: 3000 },
    );
  });

  it("allows no edit to short words, one to middling ones, two to long ones", () => {
    expect([4, 5, 7, 8, 12].map(allowedEdits)).toEqual([0, 1, 1, 2, 2]);
  });
});

describe("the typo corrector", () => {
  const spellings = ["pezeshkian", "signed", "singed", "treaty", "nuclear", "energy", "2025"];
  const frequency = (row: number) => [5, 9, 1, 7, 3, 2, 4][row]!;
  const corrector = new TypoCorrector(spellings, frequency);

  it("takes a misspelt word for the corpus word a few edits away, the commonest when several are", () => {
    expect(spellings[corrector.correct("pezeshkain")!]).toBe("pezeshkian");
    expect(spellings[corrector.correct("nucelar")!]).toBe("nuclear");
    expect(spellings[corrector.correct("sigend")!]).toBe("signed");
  });

  it("leaves short words, numbers and words with nothing close alone", () => {
    expect(corrector.correct("trea")).toBeUndefined();
    expect(corrector.correct("20255")).toBeUndefined();
    expect(corrector.correct("football")).toBeUndefined();
  });
});

describe("questions with typos", () => {
  it("find the article that spells the name right", async () => {
    const corpusDir = await tempDir("verbatim-corpus-");
    await writeFile(join(corpusDir, "harbour.md"), "---\nid: harbour\ntitle: Harbour plan\noutlet: Coastal Times\n---\nMayor Eleanor Voss opened the session with a short speech about the fishing fleet.\nResidents raised concerns about traffic during the works.\n");
    await writeFile(join(corpusDir, "library.md"), "---\nid: library\ntitle: Library reopens\noutlet: Northern Herald\n---\nCouncillor Tom Reyes opened the new library on Monday morning.\nThe renovation took two years.\n");
    const config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: await tempDir("verbatim-index-") });
    await buildConfiguredIndex(config);
    const retriever = await openRetriever(config, createLogger("silent"));
    const answer = await retriever.ask("what did elanor open");
    expect(answer.results[0]!.quote).toMatch(/^Mayor Eleanor Voss opened the session/);
    expect(answer.answered).toBe(true);
  });
});
