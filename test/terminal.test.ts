import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answerReply } from "../src/reply/discord.js";
import { replyAsText, terminalSafe } from "../src/reply/terminal.js";
import type { Quote } from "../src/retrieval/answer.js";

describe("text for a terminal", () => {
  it("shows escape sequences, carriage returns and C1 controls as symbols, keeping tabs and newlines", () => {
    expect(terminalSafe("a\u001b[2Jb\rc\td\ne\u007ff\u009b31mg")).toBe("a␛[2Jb␍c\td\ne␡f\uFFFD31mg");
  });

  it("drops bidirectional overrides", () => {
    expect(terminalSafe("file\u202Etxt.exe")).toBe("filetxt.exe");
  });

  it("leaves no control character but tab and newline, for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        expect(terminalSafe(text)).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
      }),
      { numRuns: 500 },
    );
  });
});

describe("a Discord reply as terminal text", () => {
  it("shows the quote's words as written, without Discord's markup", () => {
    const quote: Quote = { quote: "First sentence. The *best* one @here.", source: { id: "a", title: "T", outlet: "O", published: "2025-01-17", url: "" }, start: 0, end: 37, offsetsIn: "body", score: 0.9, alsoReportedBy: [], focus: { start: 16, end: 37 } };
    const reply = answerReply({ answer: { question: "q", answered: true, results: [quote] }, page: 0, hasMore: false, buildId: "b", sourceOf: () => undefined });
    expect(replyAsText(reply)).toContain("“First sentence. The *best* one @here.”");
  });
});
