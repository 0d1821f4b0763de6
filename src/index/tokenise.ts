import type { Passage } from "../passages/passages.js";
import { forgetWordForms, tokenize } from "../text/terms.js";
import { NameCounter, SpellingCounter } from "./vocabulary.js";

/**
 * Tokenises every passage sentence once: for the keyword index, the vocabulary's spellings and
 * names, and the per-sentence term ids that questions score against. Ids are provisional (order
 * of first appearance, `terms[id]`), to be renumbered to the vocabulary's order.
 */
export function tokeniseSentences(
  passages: readonly Passage[],
  bodies: ReadonlyMap<string, string>,
): { ids: Int32Array; sentenceEnds: Uint32Array; terms: string[]; spellings: Map<string, string>; names: Set<string> } {
  const spellings = new SpellingCounter();
  const names = new NameCounter();
  const provisional = new Map<string, number>();
  const ids = new GrowingInt32Array();
  const sentenceEnds: number[] = [0];
  for (const passage of passages) {
    const body = bodies.get(passage.articleId)!;
    for (const sentence of passage.sentences) {
      const text = body.slice(sentence.start, sentence.end);
      const tokens = tokenize(text);
      // A sentence in capitals (a shouted heading) says nothing of which words are names.
      const cased = LOWERCASE_LETTER.test(text);
      for (let k = 0; k < tokens.length; k++) {
        const token = tokens[k]!;
        if (token.stop) continue;
        let id = provisional.get(token.term);
        if (id === undefined) provisional.set(token.term, (id = provisional.size));
        ids.push(id);
        spellings.add(token.term, token.spelling);
        // The sentence's first word is capitalised whatever it is: it says nothing of names.
        if (k > 0 && cased) names.add(id, isCapitalised(text.charCodeAt(token.start)));
      }
      sentenceEnds.push(ids.length);
    }
  }
  // The word-form cache has done its work for this build; do not keep it through the writing.
  forgetWordForms();
  const terms = [...provisional.keys()];
  return { ids: ids.finish(), sentenceEnds: Uint32Array.from(sentenceEnds), terms, spellings: spellings.best(), names: names.names(terms) };
}

const LOWERCASE_LETTER = /\p{Ll}/u;

function isCapitalised(code: number): boolean {
  if (code < 128) return code >= 65 && code <= 90;
  const char = String.fromCharCode(code);
  return char !== char.toLowerCase() && char === char.toUpperCase();
}

/** An Int32Array that grows as values are pushed (a plain array of numbers takes twice the memory). */
class GrowingInt32Array {
  private data = new Int32Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values pushed, trimmed to size. */
  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

