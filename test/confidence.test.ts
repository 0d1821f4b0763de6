import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchStrength, POSSIBLE_MATCH_MIN, STRONG_MATCH_MIN, type MatchStrength } from "../src/reply/confidence.js";
import { answerReply } from "../src/reply/discord.js";
import { formatAnswer, replyAsText } from "../src/reply/terminal.js";
import { confidenceText, MATCH_LABELS } from "../src/reply/wording.js";
import type { Answer, Quote } from "../src/retrieval/answer.js";

const ORDER: MatchStrength[] = ["strong", "possible", "weak", "none"];

function quote(score: number): Quote {
  return { quote: "The treaty has no mutual defence clause.", source: { id: "voa-iranian-president-in-moscow", title: "T", outlet: "O", published: "2025-01-17", url: "" }, start: 1234, end: 1274, offsetsIn: "body", score, alsoReportedBy: [], focus: { start: 1234, end: 1274 } };
}

describe("how good a match a quote is shown to be", () => {
  it("is never a match when the question is not answered, however high the score", () => {
    for (const score of [0, 0.5, 0.63, 0.99, 1]) expect(matchStrength(score, false)).toBe("none");
  });

  it("is strong, possible or weak by the score when it is answered, at the named thresholds", () => {
    expect(matchStrength(1, true)).toBe("strong");
    expect(matchStrength(STRONG_MATCH_MIN, true)).toBe("strong");
    expect(matchStrength(STRONG_MATCH_MIN - 0.001, true)).toBe("possible");
    expect(matchStrength(POSSIBLE_MATCH_MIN, true)).toBe("possible");
    expect(matchStrength(POSSIBLE_MATCH_MIN - 0.001, true)).toBe("weak");
    expect(matchStrength(0.24, true)).toBe("weak");
  });

  it("never labels a higher score worse than a lower one, nor an answered quote worse than an unanswered one", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(ORDER.indexOf(matchStrength(high, true))).toBeLessThanOrEqual(ORDER.indexOf(matchStrength(low, true)));
        expect(ORDER.indexOf(matchStrength(low, true))).toBeLessThan(ORDER.indexOf(matchStrength(low, false)) + 1);
      }),
    );
  });

  it("is the same words on Discord, in the console and in `npm run ask`, with no score, offset or id", () => {
    for (const [score, answered] of [[0.92, true], [0.7, true], [0.3, true], [0.63, false]] as const) {
      const answer: Answer = { question: "does the treaty include mutual defence", answered, results: [quote(score)] };
      const label = confidenceText(quote(score), answered);
      expect(Object.values(MATCH_LABELS)).toContain(label);
      const discord = answerReply({ answer, page: 0, hasMore: false, buildId: "b", sourceOf: () => undefined });
      expect(discord.embeds[0]!.footer!.text).toBe(label);
      expect(replyAsText(discord)).toContain(`  ${label}\n`);
      expect(formatAnswer(answer, (id) => id)).toContain(`   ${label}\n`);
      for (const text of [discord.embeds[0]!.footer!.text, formatAnswer(answer, (id) => id)]) {
        expect(text).not.toMatch(/1234|voa-iranian-president-in-moscow|characters|0\.\d\d/);
      }
    }
  });
});

describe("a quote without the kind of thing asked for", () => {
  it("is at best a possible match, however high its score", () => {
    expect(matchStrength(0.99, true, true)).toBe("possible");
    expect(matchStrength(0.99, true, false)).toBe("strong");
    expect(matchStrength(0.3, true, true)).toBe("weak");
    expect(matchStrength(0.99, false, true)).toBe("none");
  });
});
