/**
 * `npm run data:squad -- [--out data/squad] [--datasets ../shared/datasets]`: builds, from SQuAD
 * v1.1 train, one corpus and one question set per split (train / validation / test, split by
 * article with a fixed seed): `<out>/<split>/corpus/*.md` and `<out>/<split>/questions.json`.
 * Deterministic: the same files on every run and machine. The output is generated data (CC BY-SA
 * 4.0, like SQuAD) and stays out of the repository (`data/` is ignored).
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../src/config.js";
import { readJsonLines } from "./jsonLines.js";
import { articleFile, articleId, buildSplitSet, splitArticles, type SampleSizes, type SplitName, type SquadParagraph, type SquadQuestion } from "../src/evaluation/squad.js";

/** Questions sampled per split: test and validation meet the issue's minimum (≥ 2,000 answerable, ≥ 300 unanswerable); train keeps many for fitting. */
const SIZES: Record<SplitName, SampleSizes> = {
  train: { answerable: 20_000, takenOut: 2_000, otherTopics: 0 },
  validation: { answerable: 2_000, takenOut: 175, otherTopics: 175 },
  test: { answerable: 2_000, takenOut: 175, otherTopics: 175 },
};

const { values } = parseArgs({ options: { out: { type: "string", default: join(PROJECT_ROOT, "data", "squad") }, datasets: { type: "string", default: join(PROJECT_ROOT, "..", "shared", "datasets") } } });
const out = resolve(values.out!);
const datasets = resolve(values.datasets!);

const [paragraphs, questions] = await Promise.all([readJsonLines<SquadParagraph>(join(datasets, "squad11_train_paragraphs.jsonl.gz")), readJsonLines<SquadQuestion>(join(datasets, "squad11_train_questions.jsonl.gz"))]).catch((error: unknown) => {
  process.stderr.write(`Cannot read SQuAD from ${datasets}: ${(error as Error).message}\nPass --datasets <folder> (it needs squad11_train_paragraphs.jsonl.gz and squad11_train_questions.jsonl.gz).\n`);
  process.exit(1);
});
const byArticle = new Map<string, SquadParagraph[]>();
for (const paragraph of paragraphs) byArticle.set(paragraph.article, [...(byArticle.get(paragraph.article) ?? []), paragraph]);
const ids = new Map<string, string>();
for (const title of byArticle.keys()) {
  const id = articleId(title);
  if ([...ids.values()].includes(id)) throw new Error(`two SQuAD articles share the id ${id}`);
  ids.set(title, id);
}

const splits = splitArticles([...byArticle.keys()]);
const summary: Record<string, unknown> = {};
for (const split of ["train", "validation", "test"] as const) {
  const set = buildSplitSet(splits[split], split === "train" ? [] : splits.train, questions, SIZES[split]);
  const folder = join(out, split);
  await rm(folder, { recursive: true, force: true });
  await mkdir(join(folder, "corpus"), { recursive: true });
  for (const title of set.corpus) await writeFile(join(folder, "corpus", `${ids.get(title)}.md`), articleFile(title, byArticle.get(title)!));
  await writeFile(join(folder, "questions.json"), `${JSON.stringify(set.questions, null, 1)}\n`);
  await writeFile(join(folder, "split.json"), `${JSON.stringify({ split, corpus: set.corpus, takenOut: set.takenOut }, null, 1)}\n`);
  const unanswerable = set.questions.filter((question) => question.unanswerable).length;
  summary[split] = { articles: set.corpus.length, takenOut: set.takenOut.length, answerable: set.questions.length - unanswerable, unanswerable };
  process.stderr.write(`${split}: ${set.corpus.length} articles in the corpus (${set.takenOut.length} taken out), ${set.questions.length - unanswerable} answerable and ${unanswerable} unanswerable questions → ${folder}\n`);
}
// Our own chat-style rewrites (lowercase, typos, fragments), written before any tuning: of
// validation questions (eval/squad-validation-chat.json) and of test questions
// (eval/squad-test-chat.json, measured once at the end, never tuned on). The files hold only our
// wording and SQuAD's question ids; they are joined here with the generated gold spans.
for (const split of ["validation", "test"] as const) {
  const file = `squad-${split}-chat.json`;
  const chat = JSON.parse(await readFile(join(PROJECT_ROOT, "eval", file), "utf8")) as { id: string; q: string }[];
  const labelledById = new Map((JSON.parse(await readFile(join(out, split, "questions.json"), "utf8")) as { id: string; gold: string[]; unanswerable?: boolean }[]).map((question) => [question.id, question]));
  const chatSet = chat.map(({ id, q }) => {
    const labelled = labelledById.get(id);
    if (!labelled) throw new Error(`eval/${file}: ${id} is not a ${split} question`);
    return { ...labelled, id: `chat-${id}`, q };
  });
  await writeFile(join(out, split, "questions-chat.json"), `${JSON.stringify(chatSet, null, 1)}\n`);
  summary[`${split}Chat`] = { answerable: chatSet.filter((question) => !question.unanswerable).length, unanswerable: chatSet.filter((question) => question.unanswerable).length };
}
process.stdout.write(`${JSON.stringify(summary)}\n`);
