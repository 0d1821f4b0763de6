import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeMarkdown, isInert, splitGraphemes, stripBidiControls, truncate, unescapeMarkdown } from "../src/reply/markdown.js";
import { HOSTILE_TEXT as hostile } from "./hostileText.js";

describe("characters of a text", () => {
  it("are the grapheme segmenter's, for text of the common ranges and for any other", () => {
    const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
    // Code points from the fast path's ranges and right next to them (combining marks, joiners, CR LF, emoji).
    const codePoints = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0xa0, max: 0x36f }),
      fc.integer({ min: 0x2000, max: 0x206f }),
      fc.constantFrom(0x0a, 0x0d, 0x7f, 0x301, 0x200d, 0xfe0f, 0x1f600, 0x1f1eb, 0x1f1f7),
    );
    fc.assert(
      fc.property(fc.array(codePoints, { maxLength: 40 }), (points) => {
        const text = String.fromCodePoint(...points);
        expect(splitGraphemes(text)).toEqual(Array.from(segmenter.segment(text), (segment) => segment.segment));
      }),
      { numRuns: 2000 },
    );
    expect(splitGraphemes("Putin’s “roadmap” — café…")).toHaveLength(25);
  });
});

describe("escaping for Discord", () => {
  it("is reversible and leaves nothing live, for any text", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const escaped = escapeMarkdown(text);
        expect(unescapeMarkdown(escaped)).toBe(stripBidiControls(text));
        expect(isInert(escaped)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("neutralises the usual suspects", () => {
    expect(escapeMarkdown("@everyone <@1> **b** https://x")).toBe("\\@everyone \\<\\@1\\> \\*\\*b\\*\\* https\\://x");
    expect(escapeMarkdown("# head\n-# small\n> quote\n1. item")).toBe("\\# head\n\\-# small\n\\> quote\n1\\. item");
  });

  it("drops bidi overrides and breaks bare invites, so they are inert too", () => {
    expect(escapeMarkdown("\u202Etxt.exe and \u2067isolate\u2069")).toBe("txt.exe and isolate");
    expect(escapeMarkdown("join discord.gg/abcdef or discord.com/invite/xyz")).toBe("join discord\\.gg/abcdef or discord\\.com/invite/xyz");
    expect(isInert("see discord.gg/abcdef")).toBe(false);
    expect(isInert("a \u202E b")).toBe(false);
  });

  it("cuts exactly where cutting the whole text into characters would, looking only at the start", () => {
    /** The plain algorithm: segment everything, keep whole characters while they fit with "…". */
    const reference = (text: string, max: number) => {
      if (text.length <= max) return text;
      if (max <= 0) return "";
      let out = "";
      for (const g of splitGraphemes(text)) {
        if (out.length + g.length + 1 > max) break;
        out += g;
      }
      return `${out}…`;
    };
    fc.assert(
      fc.property(hostile, fc.integer({ min: 0, max: 420 }), (text, max) => {
        expect(truncate(text, max)).toBe(reference(text, max));
      }),
      { numRuns: 1000 },
    );
  });

  it("cuts a 400,000-character field to a short one (only its start is looked at)", () => {
    const huge = "🧑🏽‍🚒x".repeat(50_000);
    const cut = truncate(huge, 60);
    expect(cut.length).toBeLessThanOrEqual(60);
    expect(cut.endsWith("…")).toBe(true);
    expect(huge.startsWith(cut.slice(0, -1))).toBe(true);
  });

  it("cuts at whole characters, never inside an emoji", () => {
    const text = "ab🧑🏽‍🚒cd";
    for (let max = 1; max < text.length + 2; max++) {
      const cut = truncate(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      const kept = cut.endsWith("…") ? cut.slice(0, -1) : cut;
      expect(text.startsWith(kept)).toBe(true);
      expect(splitGraphemes(kept).every((g) => splitGraphemes(text).includes(g))).toBe(true);
    }
  });
});
