import fc from "fast-check";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Cooldown } from "../src/bot/cooldown.js";
import { answerReply, embedLength, parseButtonId, questionOfMessage, replyAsText, answerPageId, sourcesReply } from "../src/bot/replies.js";
import { DISCORD_LIMITS, escapeMarkdown, isInert, splitGraphemes, stripBidiControls, truncate, unescapeMarkdown } from "../src/bot/text.js";
import type { Answer, Quote } from "../src/retrieval/answer.js";

/** Text that tries everything: markdown, mentions, links, emoji with modifiers, odd white space. */
const hostile = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 400 }),
  fc.array(fc.constantFrom("@everyone", "@here", "<@123456789012345678>", "<@&123>", "<#1>", "**", "__", "~~", "||", "`", "```", "> ", "\n# ", "\n-# ", "\n- ", "\n1. ", "[x](https://e.x)", "https://e.x/a_b", "\\", "🧑🏽‍🚒", "🇬🇧", "é", " ", "word", ".", ":", "<t:1:R>", "<:e:1>", "\u202E", "\u2066", "discord.gg/abc", "discord.com/invite/x", "DISCORDAPP.COM/invite/y"), { maxLength: 300 }).map((parts) => parts.join("")),
);

const source = (title: string, outlet: string, url: string) => ({ id: "a", title, outlet, published: "2025-01-17", url });

const quoteArb = fc.record({ text: hostile, title: hostile, outlet: hostile, url: fc.oneof(fc.constant(""), fc.webUrl(), hostile), score: fc.double({ min: 0, max: 1, noNaN: true }), focusAt: fc.double({ min: 0, max: 1, noNaN: true }) }).filter((q) => q.text.length > 0).map(({ text, title, outlet, url, score, focusAt }): Quote => {
  const split = Math.floor(text.length * focusAt);
  return { quote: text, source: source(title, outlet, url), start: 100, end: 100 + text.length, offsetsIn: "body", score, alsoReportedBy: [], focus: { start: 100 + split, end: 100 + text.length } };
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

  it("breaks an invite that the bold focus splits in two ('discord.' + 'gg/abc')", () => {
    const text = "see discord.gg/abcdef now. Then more.";
    for (let split = 0; split <= text.length; split++) {
      const quote: Quote = { quote: text, source: source("T", "O", ""), start: 0, end: text.length, offsetsIn: "body", score: 0.9, alsoReportedBy: [], focus: { start: split, end: text.length } };
      const reply = answerReply({ answer: { question: "q", answered: true, results: [quote] }, page: 0, hasMore: false, buildId: "b", sourceOf: () => undefined });
      const [rendered] = reply.embeds[0]!.description!.split("\n\n— ");
      expect(isInert(rendered!.replace(/\*\*/g, "")), `focus from ${split}: ${rendered}`).toBe(true);
    }
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

describe("the answer reply", () => {
  it("is within every Discord limit, pings no one and formats nothing, whatever the articles say", () => {
    fc.assert(
      fc.property(hostile.filter((q) => /[\p{L}\p{N}]/u.test(q) && q.length <= 300), fc.array(quoteArb, { minLength: 0, maxLength: 4 }), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.array(hostile.filter((name) => name.length <= 100), { maxLength: 3 }), (question, quotes, answered, page, unmentioned) => {
        const answer: Answer = { question, answered: answered && unmentioned.length === 0, results: [...Array(page * 4).fill(quotes[0] ?? null).filter(Boolean), ...quotes], ...(unmentioned.length > 0 ? { unmentioned } : {}) };
        const reply = answerReply({ answer, page, hasMore: true, buildId: "20260101-000000000-abcdef", sourceOf: () => source("Other **outlet**", "@here", "") });
        expect(reply.allowedMentions).toEqual({ parse: [] });
        expect(reply.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
        for (const name of unmentioned) expect(reply.content).toContain(`“${escapeMarkdown(name)}”`);
        expect(reply.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
        expect(reply.embeds.reduce((sum, embed) => sum + embedLength(embed), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
        for (const embed of reply.embeds) {
          expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
          expect(embed.footer!.text.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedFooter);
          const [quote, attribution] = embed.description!.split("\n\n— ");
          expect(isInert(quote!.replace(/\*\*/g, ""))).toBe(true);
          const link = attribution!.match(/ · <https?:\/\/[^\s<>"]+>$/)?.[0] ?? "";
          expect(isInert(attribution!.slice(0, attribution!.length - link.length).replace(/^\*|\*(?= · )/g, ""))).toBe(true);
        }
        for (const row of reply.components) for (const button of row.components) expect(("custom_id" in button ? button.custom_id : "").length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
        expect(questionOfMessage(reply.content)).toBe(stripBidiControls(question.replace(/\s+/g, " ").trim()).trim());
      }),
      { numRuns: 300 },
    );
  });

  it("shows every quote's words in order when nothing is cut", () => {
    const quote: Quote = { quote: "First sentence. The *best* one @here.", source: source("T", "O", ""), start: 0, end: 37, offsetsIn: "body", score: 0.9, alsoReportedBy: [], focus: { start: 16, end: 37 } };
    const reply = answerReply({ answer: { question: "q", answered: true, results: [quote] }, page: 0, hasMore: false, buildId: "b", sourceOf: () => undefined });
    expect(reply.embeds[0]!.description).toContain("“First sentence. **The \\*best\\* one \\@here.**”");
    expect(replyAsText(reply)).toContain("“First sentence. The *best* one @here.”");
  });

  it("round-trips its button ids and rejects others", () => {
    expect(parseButtonId(answerPageId({ page: 2, buildId: "20260101-000000000-abcdef" }))).toEqual({ kind: "ask", page: 2, buildId: "20260101-000000000-abcdef" });
    expect(parseButtonId("sources:3")).toEqual({ kind: "sources", page: 3 });
    expect(parseButtonId("ask:x:y")).toBeUndefined();
    expect(parseButtonId("something-else")).toBeUndefined();
  });
});

describe("cooldown", () => {
  it("refuses a second question inside the window, per user, and forgets old users", () => {
    let now = 0;
    const cooldown = new Cooldown(5, () => now);
    expect(cooldown.take("a")).toBe(0);
    now = 1000;
    expect(cooldown.take("a")).toBe(4);
    expect(cooldown.take("b")).toBe(0);
    now = 5000;
    expect(cooldown.take("a")).toBe(0);
    now = 20_000;
    expect(cooldown.take("c")).toBe(0);
    expect(cooldown.size).toBe(1);
    expect(new Cooldown(0).take("a")).toBe(0);
  });
});

describe("an unanswered question about names the articles never mention", () => {
  it("says which names, in the bot's reply and in the terminal", async () => {
    const { formatAnswer } = await import("../src/cli/format.js");
    const answer: Answer = { question: "Who leads Japan and *Oslo*?", answered: false, results: [], unmentioned: ["Japan", "*Oslo*"] };
    const reply = answerReply({ answer, page: 0, hasMore: false, buildId: "b", sourceOf: () => undefined });
    expect(reply.content.split("\n")[1]).toBe("The articles have nothing on this: they never mention “Japan” or “\\*Oslo\\*”.");
    expect(formatAnswer(answer, (id) => id)).toContain("they never mention “Japan” or “*Oslo*”.");
  });
});

describe("the sources reply", () => {
  it("shows each article's real outlet and date, and links it when its address is known", () => {
    const article = (id: string, url: string, outlet: string, published: string) => ({ id, title: `Title ${id}`, outlet, published, url, body: "", file: `${id}.md`, hash: "" });
    const snapshot = {
      articles: new Map([
        ["a", article("a", "https://news.example/a", "Coast Gazette", "2026-03-04")],
        ["b", article("b", "", "", "")],
      ]),
      manifest: { counts: { articles: 2, passages: 3 }, model: { id: "m" }, builtAt: "2026-03-05T00:00:00Z", articles: { a: { passages: 2 }, b: { passages: 1 } } },
    } as unknown as Parameters<typeof sourcesReply>[0];
    const description = sourcesReply(snapshot, 0).embeds[0]!.description!;
    expect(description).toContain("**Title a**\nCoast Gazette · 2026-03-04 · 2 passages · <https://news.example/a>");
    expect(description).toContain("**Title b**\noutlet not stated · date not stated · 1 passage");
  });
});
