/**
 * `npm run data:news -- [--out data/news-chat] [--datasets ../shared/datasets] [--distractors 300]`:
 * assembles the news/chat evaluation set (eval/news-chat/, see its README) into a corpus and
 * question sets: `<out>/corpus/` (the news-style articles, the treaty reports, the chosen SQuAD
 * paragraphs as articles, and distractor paragraphs from SQuAD articles outside its train split),
 * `<out>/questions-train.json`, `<out>/questions-dev.json`, `<out>/questions-test.json` (split by
 * topic, eval/news-chat/split.json) and `<out>/questions-all.json`. SQuAD text is never in the repository: its paragraphs are named by
 * id and its gold spans by offsets, both resolved here. Deterministic.
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../src/config.js";
import { readJsonLines } from "./jsonLines.js";
import { seededRandom, shuffled, splitArticles, type SquadParagraph } from "../src/evaluation/squad.js";

/** Distractor paragraphs added by default: with the set's own ~55 articles, a corpus of a few hundred, as a server has. */
const DEFAULT_DISTRACTORS = 300;
const SEED = 20_261_203;

interface SetQuestion {
  id: string;
  q: string;
  gold: string[];
  unanswerable?: boolean;
  topic: string;
  kind?: string;
  style?: string;
  /** SQuAD questions: the paragraph and the gold spans as [start, end) offsets in it. */
  pid?: string;
  goldAt?: [number, number][];
}

const { values } = parseArgs({ options: { out: { type: "string", default: join(PROJECT_ROOT, "data", "news-chat") }, datasets: { type: "string", default: join(PROJECT_ROOT, "..", "shared", "datasets") }, distractors: { type: "string", default: String(DEFAULT_DISTRACTORS) } } });
const out = resolve(values.out!);
const distractorCount = Number(values.distractors);
if (!Number.isInteger(distractorCount) || distractorCount < 0) {
  process.stderr.write("--distractors takes a whole number (0 for none)\n");
  process.exit(2);
}
const setDir = join(PROJECT_ROOT, "eval", "news-chat");
const split = JSON.parse(await readFile(join(setDir, "split.json"), "utf8")) as { train: string[]; dev: string[]; test: string[] };

const paragraphs = await readJsonLines<SquadParagraph & { context: string; pid: string }>(join(resolve(values.datasets!), "squad11_train_paragraphs.jsonl.gz")).catch((error: unknown) => {
  process.stderr.write(`Cannot read SQuAD from ${values.datasets}: ${(error as Error).message}\nPass --datasets <folder> (it needs squad11_train_paragraphs.jsonl.gz).\n`);
  process.exit(1);
});
const byPid = new Map(paragraphs.map((paragraph) => [paragraph.pid, paragraph]));
const squadSplits = splitArticles([...new Set(paragraphs.map((paragraph) => paragraph.article))]);
const squadSplitOf = new Map<string, "train" | "validation" | "test">();
for (const name of ["train", "validation", "test"] as const) for (const title of squadSplits[name]) squadSplitOf.set(title, name);

await rm(out, { recursive: true, force: true });
const corpus = join(out, "corpus");
await mkdir(corpus, { recursive: true });

// The news-style articles, one folder per topic, and the treaty reports (a test fixture).
const articleTopics = (await readdir(join(setDir, "articles"), { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
for (const topic of articleTopics) {
  const files = (await readdir(join(setDir, "articles", topic))).filter((name) => name.endsWith(".md"));
  await mkdir(join(corpus, topic), { recursive: true });
  for (const file of files) await cp(join(setDir, "articles", topic, file), join(corpus, topic, file));
}
await cp(join(PROJECT_ROOT, "test", "fixtures", "treaty"), join(corpus, "treaty"), { recursive: true });

// Questions; SQuAD ones get their paragraph as an article and their gold spans as text.
const questions: (SetQuestion & { split: "train" | "dev" | "test" })[] = [];
const questionFiles = (await readdir(join(setDir, "questions"))).filter((name) => name.endsWith(".json")).sort();
const usedPids = new Set<string>();
for (const file of questionFiles) {
  for (const question of JSON.parse(await readFile(join(setDir, "questions", file), "utf8")) as SetQuestion[]) {
    let { gold } = question;
    let group = question.topic;
    if (question.pid) {
      const paragraph = byPid.get(question.pid);
      if (!paragraph) throw new Error(`${file}: ${question.id} names SQuAD paragraph ${question.pid}, which ${values.datasets} does not have`);
      gold = (question.goldAt ?? []).map(([start, end]) => paragraph.context.slice(start, end));
      group = `squad-${squadSplitOf.get(paragraph.article)}`;
      usedPids.add(question.pid);
    }
    const where = split.train.includes(group) ? "train" : split.dev.includes(group) ? "dev" : split.test.includes(group) ? "test" : undefined;
    if (!where) throw new Error(`${file}: ${question.id}'s topic ${group} is in neither list of eval/news-chat/split.json`);
    questions.push({ id: question.id, q: question.q, gold, ...(question.unanswerable ? { unanswerable: true } : {}), topic: question.topic, ...(question.kind ? { kind: question.kind } : {}), ...(question.style ? { style: question.style } : {}), split: where });
  }
}
const squadArticleOf = (pid: string) => byPid.get(pid)!.article;
const usedSquadArticles = new Set([...usedPids].map(squadArticleOf));
await mkdir(join(corpus, "squad"), { recursive: true });
const squadFile = (paragraph: SquadParagraph & { context: string; pid: string }) =>
  `---\nid: squad-${paragraph.pid.toLowerCase()}\ntitle: ${JSON.stringify(paragraph.article)}\noutlet: "Wikipedia"\npublished: ""\nurl: ${JSON.stringify(`https://en.wikipedia.org/wiki/${encodeURIComponent(paragraph.article.replace(/ /g, "_"))}`)}\n---\n${paragraph.context.trim()}\n`;
for (const pid of [...usedPids].sort()) await writeFile(join(corpus, "squad", `${pid}.md`), squadFile(byPid.get(pid)!));

// Distractors: paragraphs of SQuAD articles outside its train split and unrelated to the set's own paragraphs.
const pool = paragraphs.filter((paragraph) => squadSplitOf.get(paragraph.article) !== "train" && !usedSquadArticles.has(paragraph.article));
const distractors = shuffled(pool, seededRandom(SEED)).slice(0, distractorCount);
await mkdir(join(corpus, "distractors"), { recursive: true });
for (const paragraph of distractors) await writeFile(join(corpus, "distractors", `${paragraph.pid}.md`), squadFile(paragraph));

for (const [name, subset] of [["train", questions.filter((q) => q.split === "train")], ["dev", questions.filter((q) => q.split === "dev")], ["test", questions.filter((q) => q.split === "test")], ["all", questions]] as const) {
  await writeFile(join(out, `questions-${name}.json`), `${JSON.stringify(subset, null, 1)}\n`);
  const unanswerable = subset.filter((question) => question.unanswerable).length;
  process.stderr.write(`${name}: ${subset.length} questions (${unanswerable} unanswerable) → ${join(out, `questions-${name}.json`)}\n`);
}
process.stderr.write(`corpus: ${articleTopics.length} news topics, the treaty reports, ${usedPids.size} SQuAD paragraphs and ${distractors.length} distractor paragraphs → ${corpus}\n`);
