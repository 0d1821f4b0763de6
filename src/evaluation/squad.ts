/**
 * Evaluation sets from SQuAD v1.1 train (`../shared/datasets/`): its Wikipedia articles as corpora
 * in our article format, and its questions in the `eval` format, split by article into train,
 * validation and test with a fixed seed, so that validation and test articles are never seen in
 * fitting. Pure: records in, files' text out. (SQuAD: Rajpurkar et al. 2016, CC BY-SA 4.0.)
 */
import { splitSentences } from "../passages/sentences.js";
import type { LabelledQuestion } from "./metrics.js";

/** One paragraph record of `squad11_train_paragraphs.jsonl.gz`. */
export interface SquadParagraph {
  pid: string;
  article: string;
  para: number;
  context: string;
}

/** One question record of `squad11_train_questions.jsonl.gz`. */
export interface SquadQuestion {
  qid: string;
  pid: string;
  article: string;
  question: string;
  answers: string[];
  answer_sentence: string;
  ambiguous: boolean;
}

/** Shares of articles per split: test keeps at least 60 articles in its corpus after some are taken out. */
export const SPLIT_SHARES = { train: 0.68, validation: 0.15, test: 0.17 } as const;
export type SplitName = keyof typeof SPLIT_SHARES;
/** Share of a split's articles taken out of its corpus, so that their questions have no answer there. */
export const TAKEN_OUT_SHARE = 0.1;
/** Characters of the answer sentence kept on each side of the answer in a gold span: enough to make it unique, little enough to survive a different sentence split. */
const GOLD_CONTEXT_CHARS = 40;
/** The seed of every shuffle: the splits and samples never change between runs. */
export const SQUAD_SEED = 20_261_123;

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of `items` in a seeded random order (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Article titles by split: a seeded shuffle of the sorted titles, cut by SPLIT_SHARES. */
export function splitArticles(titles: readonly string[], seed = SQUAD_SEED): Record<SplitName, string[]> {
  const order = shuffled([...new Set(titles)].sort(), seededRandom(seed));
  const train = Math.round(order.length * SPLIT_SHARES.train);
  const validation = Math.round(order.length * SPLIT_SHARES.validation);
  return { train: order.slice(0, train), validation: order.slice(train, train + validation), test: order.slice(train + validation) };
}

/** An article id from a title: lowercase letters, digits and hyphens, at most 64 characters. */
export function articleId(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug === "" ? "article" : slug;
}

/** An article file in our format: front matter, then the paragraphs in page order, a blank line apart. */
export function articleFile(title: string, paragraphs: readonly SquadParagraph[]): string {
  const body = [...paragraphs].sort((a, b) => a.para - b.para).map((paragraph) => paragraph.context.trim()).join("\n\n");
  const url = `https://en.wikipedia.org/wiki/${encodeURIComponent(title.replace(/ /g, "_"))}`;
  return `---\nid: ${articleId(title)}\ntitle: ${JSON.stringify(title)}\noutlet: "Wikipedia"\npublished: ""\nurl: ${JSON.stringify(url)}\n---\n${body}\n`;
}

/**
 * The gold span of a question: its answer with up to GOLD_CONTEXT_CHARS of the answer sentence on
 * each side, cut at word boundaries and at our own sentence boundaries (SQuAD's sentence splitter
 * keeps "U.S.S.R. On May 29, …" as one sentence, ours makes two; a span reaching into the
 * neighbouring sentence would make a quote of the answer's own sentence count as a miss).
 * Undefined when the answer is not in the sentence.
 */
export function goldSpan(question: SquadQuestion): string | undefined {
  const sentence = question.answer_sentence;
  const answer = question.answers[0] ?? "";
  const at = answer === "" ? -1 : sentence.indexOf(answer);
  if (at < 0) return undefined;
  const own = splitSentences(sentence).find((span) => span.start <= at && at + answer.length <= span.end) ?? { start: 0, end: sentence.length };
  let start = Math.max(own.start, at - GOLD_CONTEXT_CHARS);
  let end = Math.min(own.end, at + answer.length + GOLD_CONTEXT_CHARS);
  if (start > own.start) start = Math.min(at, sentence.indexOf(" ", start) + 1 || at);
  if (end < own.end) end = Math.max(at + answer.length, sentence.lastIndexOf(" ", end));
  return sentence.slice(start, end).trim();
}

/** What one split's evaluation is made of. */
export interface SplitSet {
  /** Titles in the corpus. */
  corpus: string[];
  /** Titles taken out: their questions are unanswerable here. */
  takenOut: string[];
  questions: LabelledQuestion[];
}

/** How many questions a split's set samples. */
export interface SampleSizes {
  answerable: number;
  /** Unanswerable questions about the split's taken-out articles (same kind of text, not in the corpus). */
  takenOut: number;
  /** Unanswerable questions about articles of other splits (other topics). */
  otherTopics: number;
}

/**
 * One split's corpus and question set: TAKEN_OUT_SHARE of its articles are taken out; answerable
 * questions (not ambiguous, gold span found) are sampled from the rest, unanswerable ones from the
 * taken-out articles and from `otherTitles`' articles.
 */
export function buildSplitSet(titles: readonly string[], otherTitles: readonly string[], questions: readonly SquadQuestion[], sizes: SampleSizes, seed = SQUAD_SEED): SplitSet {
  const random = seededRandom(seed ^ titles.length);
  const order = shuffled([...titles].sort(), random);
  const takenOutCount = Math.max(1, Math.round(titles.length * TAKEN_OUT_SHARE));
  const takenOut = new Set(order.slice(0, takenOutCount));
  const corpus = new Set(order.slice(takenOutCount));
  const others = new Set(otherTitles);
  const usable = questions.filter((question) => !question.ambiguous && goldSpan(question) !== undefined);
  const pick = (pool: SquadQuestion[], count: number) => shuffled([...pool].sort((a, b) => a.qid.localeCompare(b.qid)), random).slice(0, count);
  const answerable = pick(usable.filter((question) => corpus.has(question.article)), sizes.answerable);
  const fromTakenOut = pick(usable.filter((question) => takenOut.has(question.article)), sizes.takenOut);
  const fromOthers = pick(usable.filter((question) => others.has(question.article)), sizes.otherTopics);
  const labelled: LabelledQuestion[] = [
    ...answerable.map((question) => ({ id: question.qid, q: question.question, gold: [goldSpan(question)!] })),
    ...[...fromTakenOut, ...fromOthers].map((question) => ({ id: question.qid, q: question.question, gold: [], unanswerable: true })),
  ];
  return { corpus: [...corpus].sort(), takenOut: [...takenOut].sort(), questions: labelled };
}
