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
    ["metres", "meters"],
    ["litre", "liter"],
  ])("folds British %s to American %s", (british, american) => {
    expect(contentTerms(british)).toEqual(contentTerms(american));
    expect(foldSpelling(american)).toBe(american);
  });

  it("does not fold short words that only look British", () => {
    expect(foldSpelling("four")).toBe("four");
    expect(foldSpelling("hour")).toBe("hour");
  });

  it("drops question and stop words but keeps negations and initialisms", () => {
    expect(contentTerms("Does the treaty not include the U.S.?")).toEqual(["treati", "not", "includ", contentTerms("United States")[0]]);
    expect(contentTerms("What did the US say to us?")).toEqual(contentTerms("United States"));
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

describe("possessives written without an apostrophe", () => {
  it("meet the name: 'irans' is 'Iran's', 'nestles' is 'Nestlé'", () => {
    expect(contentTerms("irans")).toEqual(contentTerms("Iran’s"));
    expect(contentTerms("nestles")).toEqual(contentTerms("Nestlé"));
  });
});

describe("units", () => {
  it.each([
    ["100m", "100 metres"],
    ["100 m", "100 meters"],
    ["5kg", "5 kilograms"],
    ["70mph", "70 miles per hour"],
    ["120 km/h", "120 kilometres per hour"],
    ["20%", "20 per cent"],
    ["20 percent", "20 per cent"],
    ["$5m", "$5 million"],
    ["£2bn", "£2 billion"],
    ["500 sq km", "500 square kilometres"],
  ])("read %s as %s", (short, long) => {
    expect(contentTerms(short)).toEqual(contentTerms(long));
  });

  it("reads an abbreviation as a unit only after a numeral", () => {
    expect(contentTerms("m km")).toEqual(["m", "km"]);
    expect(contentTerms("5m")).not.toEqual(contentTerms("$5m"));
  });

  it("gives a unit's words the abbreviation's offsets", () => {
    const text = "ran 100m in";
    expect(tokenize(text).filter((t) => !t.stop).map((t) => text.slice(t.start, t.end))).toEqual(["ran", "100", "m"]);
  });
});

describe("country names", () => {
  it.each([
    ["Iranian", "Iran"],
    ["Islamic Republic of Iran", "Iran"],
    ["American", "United States"],
    ["USA", "United States"],
    ["U.S.", "US"],
    ["british", "UK"],
    ["United Kingdom", "uk"],
    ["North Korean", "DPRK"],
    ["Chinese", "China"],
    ["French", "France"],
  ])("read %s as %s", (form, name) => {
    expect(contentTerms(form)).toEqual(contentTerms(name));
    expect(contentTerms(form)).toHaveLength(1);
  });

  it("keeps forms two sovereign states share as they are, and the pronoun 'us' a stop word", () => {
    expect(contentTerms("Congolese")).not.toEqual(contentTerms("Congo"));
    expect(contentTerms("tell us")).toEqual([]);
  });

  it("leaves two-letter country codes that are words alone", () => {
    expect(contentTerms("IT")).not.toEqual(contentTerms("Italy"));
    expect(contentTerms("IN")).not.toEqual(contentTerms("India"));
  });

  it("makes a phrase one token spanning its words", () => {
    const text = "the United States' role";
    const [token] = tokenize(text).filter((t) => !t.stop);
    expect(text.slice(token!.start, token!.end)).toBe("United States");
  });
});
