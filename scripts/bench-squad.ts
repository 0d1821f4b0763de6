/**
 * Real text for `npm run bench -- --corpus squad`: SQuAD v1.1's paragraphs (../shared/datasets),
 * each one an article, in the dataset's order, and 200 of their questions (spread evenly over the
 * articles written). News-like prose whose nearest neighbours are easier to tell apart than the
 * synthetic corpus's random word mixes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PROJECT_ROOT } from "../src/config.js";
import type { SquadParagraph, SquadQuestion } from "../src/evaluation/squad.js";
import type { SyntheticCorpus } from "./bench-corpus.js";
import { readJsonLines } from "./jsonLines.js";

const DATASETS = join(PROJECT_ROOT, "..", "shared", "datasets");
/** Questions asked, as for the synthetic corpus. */
const QUESTIONS = 200;

/** Writes the first `count` SQuAD paragraphs into `dir`, one article each; returns questions about them. */
export async function writeSquadCorpus(dir: string, count: number): Promise<SyntheticCorpus> {
  const [paragraphs, questions] = await Promise.all([readJsonLines<SquadParagraph>(join(DATASETS, "squad11_train_paragraphs.jsonl.gz")), readJsonLines<SquadQuestion>(join(DATASETS, "squad11_train_questions.jsonl.gz"))]);
  if (count > paragraphs.length) throw new Error(`--corpus squad has ${paragraphs.length} paragraphs, fewer than the ${count} articles asked for`);
  await mkdir(dir, { recursive: true });
  const chosen = paragraphs.slice(0, count);
  for (const paragraph of chosen) {
    const title = `${paragraph.article} (${paragraph.para + 1})`;
    await writeFile(join(dir, `${paragraph.pid}.md`), `---\nid: ${paragraph.pid}\ntitle: ${JSON.stringify(title)}\noutlet: "Wikipedia"\npublished: ""\n---\n${paragraph.context.trim()}\n`);
  }
  const pids = new Set(chosen.map((paragraph) => paragraph.pid));
  const asked = questions.filter((question) => pids.has(question.pid));
  const step = Math.max(1, Math.floor(asked.length / QUESTIONS));
  return { questions: asked.filter((_, i) => i % step === 0).slice(0, QUESTIONS).map((question) => question.question) };
}
