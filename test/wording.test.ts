import { describe, expect, it } from "vitest";
import { answerHeadline, cooldownNotice, helpReadLine, inSourceOrder, noSuchSourcesPage, passageCount, unansweredReason } from "../src/reply/wording.js";

describe("the replies' words", () => {
  it("count in singular and plural", () => {
    expect(passageCount(1)).toBe("1 passage");
    expect(passageCount(2)).toBe("2 passages");
    expect(cooldownNotice(1)).toContain("wait 1 second before");
    expect(cooldownNotice(3)).toContain("wait 3 seconds before");
  });

  it("say why nothing answers: the names no article mentions, or the question's language", () => {
    expect(unansweredReason({ question: "q", answered: false, results: [], unmentioned: ["Japan", "Oslo", "Peru"] })).toBe(": they never mention “Japan”, “Oslo” or “Peru”");
    expect(unansweredReason({ question: "q", answered: false, results: [], language: { code: "und", name: "" } })).toBe(": the question does not look like English, and the articles are in English. Please ask in English");
    expect(unansweredReason({ question: "q", answered: false, results: [] })).toBe("");
  });

  it("head a later page with the quotes it holds, and the first page of an answer with nothing", () => {
    const answer = { question: "q", answered: true, results: Array(8).fill(null) };
    expect(answerHeadline(answer, { first: 4, shown: 4 })).toBe("Quotes 5–8:");
    expect(answerHeadline(answer, { first: 0, shown: 4 })).toBeUndefined();
  });

  it("list sources newest first, undated last, then by title", () => {
    const listed = inSourceOrder([
      { published: "", title: "B" },
      { published: "2025-01-17", title: "Z" },
      { published: "2025-02-01", title: "Y" },
      { published: "2025-01-17", title: "A" },
    ]);
    expect(listed.map((article) => article.title)).toEqual(["Y", "A", "Z", "B"]);
  });

  it("say what the bot has read: how many articles, the outlets with most articles first, the dates and when", () => {
    const articles = [
      ...Array.from({ length: 3 }, () => ({ outlet: "Voice of America", published: "2025-01-17" })),
      ...["DW", "Reuters", "AP", "BBC", "Le Monde", "NHK"].map((outlet, i) => ({ outlet, published: `2025-01-1${i}` })),
      { outlet: "", published: "" },
    ];
    expect(helpReadLine(articles, "2026-03-05T00:00:00.000Z")).toBe("10 articles from Voice of America, AP, BBC, DW, Le Monde and 2 others, dated 2025-01-10 to 2025-01-17; indexed 2026-03-05T00:00:00.000Z.");
    expect(helpReadLine([{ outlet: "", published: "" }], "t")).toBe("1 article; indexed t.");
    expect(helpReadLine([], "t")).toMatch(/^No articles yet/);
  });

  it("point past the last page of sources at one that exists", () => {
    expect(noSuchSourcesPage(4, 1)).toBe("There is only 1 page of sources: try /sources 1.");
    expect(noSuchSourcesPage(9, 3)).toBe("There are only 3 pages of sources: try /sources 3.");
  });
});
