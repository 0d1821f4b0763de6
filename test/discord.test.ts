import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answerPageId, answerReply, embedLength, helpReply, parseButtonId, questionOfMessage, sourcesReply, voteId } from "../src/reply/discord.js";
import { DISCORD_LIMITS, escapeMarkdown, isInert, stripBidiControls } from "../src/reply/markdown.js";
import { formatAnswer } from "../src/reply/terminal.js";
import type { Answer, Quote } from "../src/retrieval/answer.js";
import { HOSTILE_TEXT as hostile } from "./hostileText.js";

const source = (title: string, outlet: string, url: string) => ({ id: "a", title, outlet, published: "2025-01-17", url });

const quoteArb = fc.record({ text: hostile, title: hostile, outlet: hostile, url: fc.oneof(fc.constant(""), fc.webUrl(), hostile), score: fc.double({ min: 0, max: 1, noNaN: true }), focusAt: fc.double({ min: 0, max: 1, noNaN: true }) }).filter((q) => q.text.length > 0).map(({ text, title, outlet, url, score, focusAt }): Quote => {
  const split = Math.floor(text.length * focusAt);
  return { quote: text, source: source(title, outlet, url), start: 100, end: 100 + text.length, offsetsIn: "body", score, alsoReportedBy: [], focus: { start: 100 + split, end: 100 + text.length } };
});

describe("the answer reply's quote", () => {
  it("breaks an invite that the bold focus splits in two ('discord.' + 'gg/abc')", () => {
    const text = "see discord.gg/abcdef now. Then more.";
    for (let split = 0; split <= text.length; split++) {
      const quote: Quote = { quote: text, source: source("T", "O", ""), start: 0, end: text.length, offsetsIn: "body", score: 0.9, alsoReportedBy: [], focus: { start: split, end: text.length } };
      const reply = answerReply({ answer: { question: "q", answered: true, results: [quote] }, page: 0, hasMore: false, buildId: "b", sourceOf: () => undefined });
      const [rendered] = reply.embeds[0]!.description!.split("\n\n— ");
      expect(isInert(rendered!.replace(/\*\*/g, "")), `focus from ${split}: ${rendered}`).toBe(true);
    }
  });
});

describe("the answer reply", () => {
  it("is within every Discord limit, pings no one and formats nothing, whatever the articles say", () => {
    fc.assert(
      fc.property(hostile.filter((q) => /[\p{L}\p{N}]/u.test(q) && q.length <= 300), fc.array(quoteArb, { minLength: 0, maxLength: 4 }), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.array(hostile.filter((name) => name.length <= 100), { maxLength: 3 }), (question, quotes, answered, page, unmentioned) => {
        const answer: Answer = { question, answered: answered && unmentioned.length === 0, results: [...Array(page * 4).fill(quotes[0] ?? null).filter(Boolean), ...quotes], ...(unmentioned.length > 0 ? { unmentioned } : {}) };
        const reply = answerReply({ answer, page, hasMore: true, buildId: "20260101-000000000-abcdef", sourceOf: () => source("Other **outlet**", "@here", ""), articleHash: () => "f".repeat(64) });
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
  });

  it("puts 👍 / 👎 on the first page of an answered question only, voting on its first quote", () => {
    const first: Quote = { quote: "The treaty has no mutual defence clause.", source: source("T", "O", ""), start: 1_999_000, end: 1_999_040, offsetsIn: "body", score: 0.9, alsoReportedBy: [], focus: { start: 1_999_000, end: 1_999_040 } };
    const long = { ...first, source: { ...first.source, id: "a".repeat(64) } };
    const page = (answer: Answer, n = 0) => answerReply({ answer, page: n, hasMore: true, buildId: "b", sourceOf: () => undefined, articleHash: () => "0123456789abcdef" });
    const buttons = page({ question: "q", answered: true, results: [long, first] }).components[0]!.components as { custom_id: string; label: string; emoji?: { name: string } }[];
    expect(buttons.map((button) => [button.emoji?.name, button.label])).toEqual([["👍", "Answers it"], ["👎", "Does not answer"], [undefined, "More"]]);
    expect(buttons[1]!.custom_id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
    expect(parseButtonId(buttons[1]!.custom_id)).toEqual({ kind: "vote", choice: "wrong", hash: "01234567", start: 1_999_000, end: 1_999_040, articleId: "a".repeat(64) });
    expect(JSON.stringify(page({ question: "q", answered: false, results: [first] }).components)).not.toContain("vote:");
    const later = page({ question: "q", answered: true, results: [first, first, first, first, first] }, 1).components[0]!.components.map((button) => ("label" in button ? button.label : ""));
    expect(later).toEqual(["Back", "More"]);
    expect(answerReply({ answer: { question: "q", answered: true, results: [first] }, page: 0, hasMore: false, buildId: "b", sourceOf: () => undefined }).components).toEqual([]);
  });

  it("round-trips its button ids and rejects others", () => {
    expect(parseButtonId(answerPageId({ page: 2, buildId: "20260101-000000000-abcdef" }))).toEqual({ kind: "ask", page: 2, buildId: "20260101-000000000-abcdef" });
    expect(parseButtonId("sources:3")).toEqual({ kind: "sources", page: 3 });
    expect(parseButtonId("ask:x:y")).toBeUndefined();
    const vote = { choice: "right" as const, hash: "89abcdef", start: 0, end: 12, articleId: "dw-pezeshkian" };
    expect(parseButtonId(voteId(vote))).toEqual({ kind: "vote", ...vote });
    expect(parseButtonId("vote:w:89abcdef:12:12:dw")).toBeUndefined();
    expect(parseButtonId("vote:x:89abcdef:0:12:dw")).toBeUndefined();
    expect(parseButtonId("vote:w:89abcdef:0:12:../etc")).toBeUndefined();
    expect(parseButtonId("something-else")).toBeUndefined();
  });
});

describe("an unanswered question about names the articles never mention", () => {
  it("says which names, in the bot's reply and in the terminal", () => {
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

describe("reading the question back for More", () => {
  it("keeps the question exact through escaping", () => {
    const question = "is **this** <@1> @everyone a_b `x` # y?";
    const reply = answerReply({ answer: { question, answered: false, results: [] }, page: 0, hasMore: false, buildId: "b", sourceOf: () => undefined });
    expect(questionOfMessage(reply.content)).toBe(question);
  });
});

describe("the help reply", () => {
  it("says what the bot does, what it has read and its limits, with outlets that cannot format or ping", () => {
    const article = (id: string, outlet: string) => ({ id, title: id, outlet, published: "2025-01-17", url: "", body: "", file: `${id}.md`, hash: "" });
    const snapshot = { articles: new Map([["a", article("a", "**@everyone** <@1>")], ["b", article("b", "DW")]]), manifest: { builtAt: "2026-03-05T00:00:00Z" } } as unknown as Parameters<typeof helpReply>[0];
    const reply = helpReply(snapshot, "who is **@everyone**?");
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe("What Verbatim does");
    expect(embed.description).toContain("2 articles from \\*\\*\\@everyone\\*\\* \\<\\@1\\>, DW, dated 2025-01-17");
    expect(embed.description).toContain("I only quote.");
    expect(embed.description).toContain("e.g. “/ask question: who is \\*\\*\\@everyone\\*\\*?”");
    expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(reply.allowedMentions).toEqual({ parse: [] });
  });
});
