import { describe, expect, it } from "vitest";
import { readCorpus } from "../src/corpus/loadCorpus.js";
import { classifyLines, quotableSentences } from "../src/passages/layout.js";
import { buildPassages } from "../src/passages/passages.js";
import { TREATY_CORPUS } from "./helpers.js";

/** Every piece of page furniture in the seed texts. */
const FURNITURE = ["Newsletter", "Related Articles", "READ FULL ARTICLE", "SOURCE: www.dw.com", "SOURCE: www.voanews.com", "Be the first to comment", "operation.", "Credited from: LATIMES", "DW | Published January 17, 2025", "VOICE OF AMERICA | Published January 17, 2025", "MOSCOW —", "RELATED: Iranian president in Moscow for treaty signing with Putin", "shake hands as they meet in Moscow"];

describe("classifyLines", () => {
  it("marks furniture, headings and prose", () => {
    const body = "Read full article\nGrowing Military and Economic Ties\nThe treaty was signed on Friday in Moscow.\nSOURCE: www.example.com\nShare";
    const kinds = classifyLines(body).map((line) => [body.slice(line.start, line.end), line.kind]);
    expect(kinds).toEqual([
      ["Read full article", "furniture"],
      ["Growing Military and Economic Ties", "heading"],
      ["The treaty was signed on Friday in Moscow.", "prose"],
      ["SOURCE: www.example.com", "furniture"],
      ["Share", "furniture"],
    ]);
  });

  it.each([
    "Russian President Vladimir Putin and Iranian President Masoud Pezeshkian shake hands as they meet in Moscow, Jan. 17, 2025.",
    "Demonstrators gather outside parliament in Tbilisi, Georgia, Friday, Dec. 6, 2024.",
    "The two leaders at the Kremlin. (AP Photo/Alexander Zemlianichenko, Pool)",
    "Firefighters work at the site of a drone strike. REUTERS/Gleb Garanich",
    "A view of the harbour at dawn. Photo: Jane Doe",
  ])("takes a photo caption for furniture: %s", (caption) => {
    const body = `${caption}\nThe treaty was signed on Friday, officials said, after months of talks.`;
    expect(classifyLines(body).map((line) => line.kind)).toEqual(["furniture", "prose"]);
  });

  it.each([
    "The treaty was signed in Moscow on Jan. 17, 2025.",
    "Putin said the treaty would last 20 years. It was signed in Moscow, Jan. 17, 2025.",
    "Officials said the photo, taken in March, showed the site.",
  ])("keeps prose that only looks like a caption: %s", (prose) => {
    expect(classifyLines(prose).map((line) => line.kind)).toEqual(["prose"]);
  });

  it("treats a lone question line as a heading, not an answer", () => {
    const body = "What does this partnership really mean for Iran’s future?\nIt means a great deal, officials said.";
    expect(classifyLines(body).map((line) => line.kind)).toEqual(["heading", "prose"]);
  });
});

describe("quotableSentences", () => {
  it("leaves out a last sentence that the source cut off mid-word", () => {
    const body = "The pact was signed. It covers trade.\nAs Putin continues to forge closer ties with Iran, the partnership is seen as part of a strategy to challenge U.S.-led global dominanc";
    expect(quotableSentences(body).map((s) => body.slice(s.start, s.end))).toEqual(["The pact was signed.", "It covers trade."]);
  });

  it("never offers page furniture from the treaty articles as a quote", async () => {
    const { articles } = await readCorpus(TREATY_CORPUS);
    const quotable = articles.flatMap((article) => quotableSentences(article.body).map((s) => article.body.slice(s.start, s.end)));
    expect(quotable.length).toBeGreaterThan(100);
    for (const furniture of FURNITURE) {
      // "operation." is also the end of "cooperation.", so short furniture is compared whole.
      const found = quotable.filter((sentence) => (furniture.length < 15 ? sentence === furniture || sentence.startsWith(furniture) : sentence.includes(furniture)));
      expect(found).toEqual([]);
    }
    expect(quotable.some((sentence) => sentence.endsWith("dominanc"))).toBe(false);
  });
});

describe("buildPassages", () => {
  it("groups sentences of one paragraph, within the limits, with exact offsets", () => {
    const body = "One is here. Two is here. Three is here. Four is here.\nFive is a new paragraph.";
    const passages = buildPassages("a", body, { maxSentences: 3, maxChars: 600 });
    expect(passages.map((p) => body.slice(p.start, p.end))).toEqual(["One is here. Two is here. Three is here.", "Four is here.", "Five is a new paragraph."]);
    expect(passages.map((p) => p.id)).toEqual(["a#0", "a#1", "a#2"]);
    for (const passage of passages) for (const s of passage.sentences) expect(s.start >= passage.start && s.end <= passage.end).toBe(true);
  });

  it("starts a new passage rather than exceed the character limit", () => {
    const body = "The first sentence has quite a few words in it. The second sentence has a few words too.";
    expect(buildPassages("a", body, { maxSentences: 3, maxChars: 60 })).toHaveLength(2);
  });
});
