import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandShorthand, plainQuestion, removeFiller } from "../src/retrieval/chatQuestion.js";
import { HOSTILE_TEXT } from "./hostileText.js";

describe("plainQuestion", () => {
  it.each([
    ["ok dumb question but why did the regulators actually seize indymac, like what was the reason given", "why did the regulators seize indymac, what was the reason given"],
    ["did russia promise to defend iran if its attacked or nah", "did russia promise to defend iran if its attacked"],
    ["anyone know how many days is pezeshkian staying in moscow", "how many days is pezeshkian staying in moscow"],
    ["rail strike how long lol", "rail strike how long"],
    ["who bought it tho", "who bought it"],
    ["wait so whats the deal w/ the drones", "what is the deal with the drones"],
    ["where did they meet b4 this visit", "where did they meet before this visit"],
    ["can someone tell me when the treaty was signed pls", "when the treaty was signed"],
    ["i heard the factory is closing, why", "the factory is closing, why"],
  ])("%s → %s", (question, plain) => {
    expect(plainQuestion(question)).toBe(plain);
  });

  it("leaves a plainly written question as it is", () => {
    for (const question of ["Does the treaty include mutual defence?", "Who signed the treaty?", "How long will the strike last?", "What did Putin call the deal?"]) expect(plainQuestion(question)).toBe(question);
  });

  it("keeps 'like', 'just' and 'really' out but keeps negations, which answer yes/no questions", () => {
    expect(plainQuestion("so it's not really a military alliance right")).toBe("it's not a military alliance");
    expect(plainQuestion("didnt they sign it in moscow")).toBe("did not they sign it in moscow");
  });

  it("falls back to the question as asked when only filler is left", () => {
    expect(plainQuestion("lol")).toBe("lol");
    expect(plainQuestion("ok so like")).toBe("ok so like");
  });

  it("writes shorthand out in capitals when it was written in capitals", () => {
    expect(expandShorthand("GOVT plans")).toBe("GOVERNMENT plans");
  });

  it("never throws and never returns an empty question, on hostile and random text", () => {
    fc.assert(
      fc.property(fc.oneof(HOSTILE_TEXT, fc.string()), (text) => {
        const plain = plainQuestion(text);
        expect(typeof plain).toBe("string");
        if (/[\p{L}\p{N}]/u.test(text)) expect(/[\p{L}\p{N}]/u.test(plain)).toBe(true);
      }),
    );
    expect(removeFiller("   ")).toBe("");
  });
});
