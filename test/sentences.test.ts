import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitSentences } from "../src/passages/sentences.js";

const sentencesOf = (text: string) => splitSentences(text).map((span) => text.slice(span.start, span.end));

describe("splitSentences", () => {
  it("does not break after titles, months or initialisms inside a sentence", () => {
    expect(sentencesOf("Kremlin spokesman Dmitry Peskov said Mr. Trump was late. The U.S. Presidential inauguration was near. They met in Moscow, Jan. 17, 2025. Dr. Smith agreed.")).toEqual([
      "Kremlin spokesman Dmitry Peskov said Mr. Trump was late.",
      "The U.S. Presidential inauguration was near.",
      "They met in Moscow, Jan. 17, 2025.",
      "Dr. Smith agreed.",
    ]);
  });

  it("breaks after an initialism that ends a sentence", () => {
    expect(sentencesOf('It was aimed at the U.S. "They come from another side," he said. He was born in the U.S. The end.')).toEqual([
      "It was aimed at the U.S.",
      '"They come from another side," he said.',
      "He was born in the U.S.",
      "The end.",
    ]);
  });

  it("keeps numbers with separators and decimal points whole", () => {
    expect(sentencesOf("Russia had deployed over 8,000 Shahed drones. Growth was 2.5 percent.")).toEqual(["Russia had deployed over 8,000 Shahed drones.", "Growth was 2.5 percent."]);
  });

  it("keeps closing quotes with their sentence and handles ? and !", () => {
    expect(sentencesOf("He said, “this is a complete treaty.” Is it? Yes! It is.")).toEqual(["He said, “this is a complete treaty.”", "Is it?", "Yes!", "It is."]);
  });

  it("shifts offsets by the given base", () => {
    expect(splitSentences("One. Two.", 100)).toEqual([
      { start: 100, end: 104 },
      { start: 105, end: 109 },
    ]);
  });

  it("returns nothing for empty or blank text", () => {
    expect(splitSentences("")).toEqual([]);
    expect(splitSentences("  \n\t ")).toEqual([]);
  });

  const prose = fc.array(
    fc.oneof(
      fc.constantFrom("Mr.", "U.S.", "Jan.", "8,000", "“quoted.”", "e.g.", "Dr.", "?", "!", "...", "—", "😀", "\u200f", "‘", "’s", "\n"),
      fc.string({ minLength: 0, maxLength: 8 }),
      fc.stringMatching(/^[A-Z][a-z]{0,8}[.!?]?$/),
    ),
    { maxLength: 40 },
  ).map((parts) => parts.join(" "));

  it("property: every span is a non-empty, trimmed slice; spans are ordered and cover all non-space text", () => {
    fc.assert(
      fc.property(prose, (text) => {
        const spans = splitSentences(text);
        let covered = "";
        let previousEnd = 0;
        for (const span of spans) {
          const slice = text.slice(span.start, span.end);
          expect(slice.length).toBeGreaterThan(0);
          expect(slice).toBe(slice.trim());
          expect(span.start).toBeGreaterThanOrEqual(previousEnd);
          expect(text.slice(previousEnd, span.start).trim()).toBe("");
          previousEnd = span.end;
          covered += slice;
        }
        expect(text.slice(previousEnd).trim()).toBe("");
        expect(covered.replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
      }),
      { numRuns: 500 },
    );
  });
});
