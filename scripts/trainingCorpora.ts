/**
 * Corpora of many sizes for training the learned ranking and refusal. A server's corpus may be
 * six articles on one story or years of news, and many features read differently with the corpus's
 * size (how rare a word is, how many of the candidates one article has, how much of a question no
 * article uses). So the SQuAD train split's articles are cut, in a seeded order, into groups of
 * 4, 8, 16, 32 and 64 articles (then again), each indexed on its own, and each question is ranked
 * in its article's group, or, for a share of them, in the whole split. The questions about other
 * groups' articles are the unanswerable ones of a group ("other topics"), beside the split's own
 * (about its taken-out articles), which every corpus gets in proportion to its answerable ones.
 */
import { cp, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { LabelledQuestion } from "../src/evaluation/metrics.js";
import { seededRandom, shuffled } from "../src/evaluation/squad.js";

/** Group sizes, in articles, used in turn. */
export const GROUP_SIZES = [4, 8, 16, 32, 64] as const;
/** Share of the answerable questions ranked in the whole split rather than in their group. */
export const WHOLE_SPLIT_SHARE = 0.25;
/** Questions about other groups' articles given to a group as unanswerable, per answerable question of it. */
export const OTHER_TOPIC_SHARE = 0.15;

/** A corpus to rank in: its folder of article files and where its index goes. */
export interface TrainingCorpus {
  name: string;
  corpusDir: string;
  indexDir: string;
  articles: string[];
}

/** A question to train on, with the corpus it is ranked in. */
export interface PlacedQuestion extends LabelledQuestion {
  corpus: string;
}

/** Cuts the article files of a corpus folder into groups and copies each group into a folder of its own. */
export async function groupCorpora(splitCorpusDir: string, workDir: string, seed: number): Promise<{ groups: TrainingCorpus[]; whole: TrainingCorpus }> {
  const files = (await readdir(splitCorpusDir)).filter((name) => name.endsWith(".md")).sort();
  const order = shuffled(files, seededRandom(seed));
  const groups: TrainingCorpus[] = [];
  for (let at = 0, k = 0; at < order.length; k++) {
    const size = GROUP_SIZES[k % GROUP_SIZES.length]!;
    const articles = order.slice(at, at + size);
    at += size;
    const root = join(workDir, `group-${String(k).padStart(2, "0")}-${articles.length}`);
    groups.push({ name: `group-${k}`, corpusDir: join(root, "corpus"), indexDir: join(root, "index"), articles });
  }
  for (const group of groups) {
    await rm(group.corpusDir, { recursive: true, force: true });
    await mkdir(group.corpusDir, { recursive: true });
    for (const file of group.articles) await cp(join(splitCorpusDir, file), join(group.corpusDir, file));
  }
  return { groups, whole: { name: "whole", corpusDir: splitCorpusDir, indexDir: join(workDir, "whole-index"), articles: files } };
}

/**
 * Places each question: an answerable one in its article's group (or, for WHOLE_SPLIT_SHARE of
 * them, the whole split); the split's unanswerable ones spread over the groups and the whole; and,
 * per group, questions about other groups' articles as unanswerable there.
 */
export function placeQuestions(questions: readonly LabelledQuestion[], fileOf: (question: LabelledQuestion) => string | undefined, corpora: { groups: TrainingCorpus[]; whole: TrainingCorpus }, seed: number): PlacedQuestion[] {
  const random = seededRandom(seed);
  const groupOf = new Map<string, TrainingCorpus>();
  for (const group of corpora.groups) for (const file of group.articles) groupOf.set(file, group);
  const placed: PlacedQuestion[] = [];
  const answerableByGroup = new Map<string, LabelledQuestion[]>();
  const answerableIn = new Map<string, number>();
  for (const question of questions) {
    if (question.unanswerable) continue;
    const file = fileOf(question);
    const group = file ? groupOf.get(file) : undefined;
    if (!group) continue;
    const corpus = random() < WHOLE_SPLIT_SHARE ? corpora.whole : group;
    placed.push({ ...question, corpus: corpus.name });
    answerableIn.set(corpus.name, (answerableIn.get(corpus.name) ?? 0) + 1);
    answerableByGroup.set(group.name, [...(answerableByGroup.get(group.name) ?? []), question]);
  }
  // The split's unanswerable questions go to each corpus in proportion to its answerable ones, so
  // that a small corpus does not teach the refusal that small corpora answer less.
  const corpusNames = [...answerableIn.keys()].sort();
  const total = corpusNames.reduce((sum, name) => sum + answerableIn.get(name)!, 0);
  for (const question of questions.filter((q) => q.unanswerable)) {
    let pick = random() * total;
    const name = corpusNames.find((candidate) => (pick -= answerableIn.get(candidate)!) < 0) ?? corpusNames.at(-1)!;
    placed.push({ ...question, corpus: name });
  }
  const answerable = questions.filter((question) => !question.unanswerable);
  for (const group of corpora.groups) {
    const own = answerableByGroup.get(group.name)?.length ?? 0;
    const others = answerable.filter((question) => {
      const file = fileOf(question);
      return file !== undefined && !group.articles.includes(file);
    });
    for (const question of shuffled(others, random).slice(0, Math.round(own * OTHER_TOPIC_SHARE))) {
      placed.push({ id: `${question.id}-in-${group.name}`, q: question.q, gold: [], unanswerable: true, corpus: group.name });
    }
  }
  return placed;
}
