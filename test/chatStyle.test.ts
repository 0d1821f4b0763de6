import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatStyle } from "../src/evaluation/chatStyle.js";
import { seededRandom } from "../src/evaluation/squad.js";

describe("chat-style copies of written questions", () => {
  it("are the same for the same seed, and differ between seeds", () => {
    const question = "What year did Chopin leave Warsaw for Vienna?";
    const runs = (seed: number) => Array.from({ length: 20 }, ((random) => () => chatStyle(question, random))(seededRandom(seed)));
    expect(runs(1)).toEqual(runs(1));
    expect(runs(1)).not.toEqual(runs(2));
  });

  it("make the changes people make: lowercase, no question mark, no apostrophe, a typo, fewer small words", () => {
    const random = seededRandom(7);
    const copies = Array.from({ length: 200 }, () => chatStyle("What did Eisenhower's campaign manager say in 1952?", random));
    expect(copies.some((copy) => copy === copy.toLowerCase())).toBe(true);
    expect(copies.some((copy) => !copy.endsWith("?"))).toBe(true);
    expect(copies.some((copy) => /eisenhowers/i.test(copy))).toBe(true);
    expect(copies.some((copy) => !/campaign/i.test(copy) || !/eisenhower/i.test(copy) || !/manager/i.test(copy))).toBe(true);
    expect(copies.some((copy) => copy.split(" ").length < 9)).toBe(true);
  });

  it("always keep the first word (a typo aside), the numbers and something of the question, for any question", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("who", "signed", "the", "treaty", "in", "2025", "Moscow", "and", "why?"), { minLength: 1, maxLength: 12 }), fc.integer(), (words, seed) => {
        const question = words.join(" ");
        const copy = chatStyle(question, seededRandom(seed));
        expect(copy.length).toBeGreaterThan(0);
        // Short words get no typo ("who", "when"): they are kept as they are.
        if (words[0]!.replace(/\W/g, "").length < 6) expect(copy.split(" ")[0]!.toLowerCase().replace(/\W/g, "")).toBe(words[0]!.toLowerCase().replace(/\W/g, ""));
        if (question.includes("2025")) expect(copy).toContain("2025");
      }),
    );
  });
});
