import { quotableSentences } from "./layout.js";
import type { Span } from "./sentences.js";

/** How passages are cut; part of the index manifest, so changing it rebuilds everything. */
export interface PassageSettings {
  /** Most sentences in one passage. */
  maxSentences: number;
  /** Most characters in one passage, unless a single sentence is longer. */
  maxChars: number;
}

/** Paragraph-sized passages: small enough to stay on one point, big enough to carry context. */
export const DEFAULT_PASSAGE_SETTINGS: PassageSettings = Object.freeze({ maxSentences: 3, maxChars: 600 });

/** A retrieval unit: consecutive quotable sentences of one paragraph. */
export interface Passage extends Span {
  id: string;
  articleId: string;
  sentences: Span[];
}

/** Cuts a body into passages: sentences of one paragraph, grouped up to the settings' limits. */
export function buildPassages(articleId: string, body: string, settings: PassageSettings = DEFAULT_PASSAGE_SETTINGS): Passage[] {
  const passages: Passage[] = [];
  let group: Span[] = [];
  let paragraph = -1;
  const flush = () => {
    if (group.length === 0) return;
    passages.push({ id: `${articleId}#${passages.length}`, articleId, start: group[0]!.start, end: group.at(-1)!.end, sentences: group });
    group = [];
  };
  for (const sentence of quotableSentences(body)) {
    const span = { start: sentence.start, end: sentence.end };
    const tooLong = group.length > 0 && span.end - group[0]!.start > settings.maxChars;
    if (sentence.paragraph !== paragraph || group.length >= settings.maxSentences || tooLong) flush();
    paragraph = sentence.paragraph;
    group.push(span);
  }
  flush();
  return passages;
}

/** The text of a passage as indexed and embedded: its sentences, as they stand in the body. */
export function passageText(body: string, passage: Passage): string {
  return body.slice(passage.start, passage.end);
}
