import type { Passage } from "../passages/passages.js";
import type { Span } from "../passages/sentences.js";
import { BUILD_FILES } from "./layout.js";
import { ownBuffer } from "./ownBuffer.js";

/**
 * Passages as binary tables (`passages.bin`), not JSON: parsing 180,000 passages from JSON took a
 * fifth of a 10,000-article index's start-up (0.5 s); this loads them in a few tens of ms. Layout,
 * all uint32 little-endian:
 *   passage count P, sentence count S,
 *   P × article index (into articles.json), P + 1 × first sentence (row into the sentence table),
 *   S × (start, end) of each sentence in its article's body.
 * A passage spans its first sentence's start to its last sentence's end, and its id is
 * `<articleId>#<k>` for the k-th passage of its article, as `buildPassages` makes them.
 */
export function encodePassages(passages: readonly Passage[], articleIds: readonly string[]): Buffer {
  const articleIndex = new Map(articleIds.map((id, i) => [id, i]));
  const sentenceCount = passages.reduce((sum, passage) => sum + passage.sentences.length, 0);
  const words = new Uint32Array(2 + passages.length + passages.length + 1 + sentenceCount * 2);
  words[0] = passages.length;
  words[1] = sentenceCount;
  const articleAt = 2;
  const firstAt = articleAt + passages.length;
  const spansAt = firstAt + passages.length + 1;
  let sentence = 0;
  passages.forEach((passage, i) => {
    words[articleAt + i] = articleIndex.get(passage.articleId)!;
    words[firstAt + i] = sentence;
    for (const span of passage.sentences) {
      words[spansAt + sentence * 2] = span.start;
      words[spansAt + sentence * 2 + 1] = span.end;
      sentence++;
    }
  });
  words[firstAt + passages.length] = sentence;
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength);
}

/** Passages from `passages.bin`'s bytes; throws if they are malformed. */
export function decodePassages(bytes: Uint8Array, articleIds: readonly string[]): Passage[] {
  const fail = (problem: string) => new Error(`${BUILD_FILES.passages} ${problem}`);
  if (bytes.byteLength < 8 || bytes.byteLength % 4 !== 0) throw fail("is truncated");
  const words = new Uint32Array(ownBuffer(bytes));
  const passageCount = words[0]!;
  const sentenceCount = words[1]!;
  const articleAt = 2;
  const firstAt = articleAt + passageCount;
  const spansAt = firstAt + passageCount + 1;
  if (words.length !== spansAt + sentenceCount * 2) throw fail("is truncated");
  const passages: Passage[] = new Array(passageCount);
  const perArticle = new Uint32Array(articleIds.length);
  for (let i = 0; i < passageCount; i++) {
    const article = words[articleAt + i]!;
    const first = words[firstAt + i]!;
    const last = words[firstAt + i + 1]!;
    if (article >= articleIds.length || last <= first || last > sentenceCount) throw fail("is malformed");
    const sentences: Span[] = new Array(last - first);
    for (let k = first; k < last; k++) sentences[k - first] = { start: words[spansAt + k * 2]!, end: words[spansAt + k * 2 + 1]! };
    const articleId = articleIds[article]!;
    passages[i] = { id: `${articleId}#${perArticle[article]!++}`, articleId, start: sentences[0]!.start, end: sentences.at(-1)!.end, sentences };
  }
  return passages;
}
