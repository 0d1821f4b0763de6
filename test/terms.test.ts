import { describe, expect, it } from "vitest";
import { contentTerms, foldSpelling, normalizeWord, tokenize } from "../src/text/terms.js";

describe("terms", () => {
  it.each([
    ["defence", "defense"],
    ["criticised", "criticized"],
    ["colour", "color"],
    ["centre", "center"],
    ["travelled", "traveled"],
    ["analyse", "analyze"],
    ["catalogue", "catalog"],
    ["programme", "program"],
  ])("folds British %s to American %s", (british, american) => {
    expect(contentTerms(british)).toEqual(contentTerms(american));
    expect(foldSpelling(american)).toBe(american);
  });

  it("does not fold short words that only look British", () => {
    expect(foldSpelling("four")).toBe("four");
    expect(foldSpelling("hour")).toBe("hour");
  });

  it("drops question and stop words but keeps negations and initialisms", () => {
    expect(contentTerms("Does the treaty not include the U.S.?")).toEqual(["treati", "not", "includ", "us"]);
    expect(contentTerms("What did the US say to us?")).toEqual(["us"]);
  });

  it("normalises possessives, accents and thousands separators", () => {
    expect(contentTerms("Iran’s 8,000 drones; Pezeshkián's")).toEqual(["iran", "8000", "drone", "pezeshkian"]);
  });

  it("gives each token the offsets of its word", () => {
    const text = "Russia-Iran pact";
    expect(tokenize(text).map((t) => text.slice(t.start, t.end))).toEqual(["Russia", "Iran", "pact"]);
  });
});

describe("number words", () => {
  it("meet their numerals: 'eleven' is '11', 'Twenty' is '20'", () => {
    expect(normalizeWord("eleven")).toBe(normalizeWord("11"));
    expect(normalizeWord("Twenty")).toBe("20");
    expect(contentTerms("a twenty-year treaty")).toEqual(contentTerms("a 20-year treaty"));
  });
});
