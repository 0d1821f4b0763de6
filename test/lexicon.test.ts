import { describe, expect, it } from "vitest";
import { ScopedLexicon, VocabularyLexicon, type ArticleInfo } from "../src/index/source.js";
import { tokenize } from "../src/text/terms.js";

const termOf = (word: string) => tokenize(word)[0]!.term;

function article(id: string, title: string, outlet: string): ArticleInfo {
  return { id, title, outlet, published: "2025-01-17", url: "", file: `${id}.md`, hash: "0".repeat(64) };
}

/** A vocabulary of the articles' quotable text (the title words "approved" and "Gazette" are not in it). */
const textWords = ["harbour", "plan", "council", "vote"].map(termOf);
const articles = new Map([
  ["a", article("a", "Harbour plan approved", "Coastal Gazette")],
  ["b", article("b", "Council vote", "Coastal Gazette")],
]);

function wholeLexicon(): VocabularyLexicon {
  return new VocabularyLexicon(textWords, textWords, new Map(textWords.map((term, row) => [term, row])), () => 1, 4, articles);
}

describe("title words", () => {
  it("knows a word only a title or outlet uses, and not one the text uses too", () => {
    const lexicon = wholeLexicon();
    lexicon.warmUp();
    expect(lexicon.isTitleOnlyTerm(termOf("approved"))).toBe(true);
    expect(lexicon.isTitleOnlyTerm(termOf("Gazette"))).toBe(true);
    expect(lexicon.has(termOf("harbour"))).toBe(true);
    expect(lexicon.isTitleOnlyTerm(termOf("harbour"))).toBe(false);
    expect(lexicon.isTitleOnlyTerm(termOf("treaty"))).toBe(false);
  });

  it("in a scope, counts a title word as title-only when the scope's text does not use it, though other articles' text does", () => {
    const whole = wholeLexicon();
    // Only article b is allowed, and its passages use "council" alone.
    const scoped = new ScopedLexicon((term) => (term === termOf("council") ? 1 : 0), 1, whole, new Map([["b", articles.get("b")!]]));
    expect(scoped.isTitleOnlyTerm(termOf("vote"))).toBe(true);
    expect(scoped.isTitleOnlyTerm(termOf("council"))).toBe(false);
    expect(scoped.isTitleOnlyTerm(termOf("approved"))).toBe(false);
  });
});
