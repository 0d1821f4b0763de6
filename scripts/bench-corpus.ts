/**
 * Synthetic corpora for `npm run bench`: seeded and deterministic. Articles of 400–900 words mix
 * sentences from corpus/ with sentences whose words are drawn, by frequency (Zipf), from the
 * bundled model's vocabulary (which is ordered from the most frequent word down).
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PROJECT_ROOT } from "../src/config.js";
import { parseArticleFile } from "../src/corpus/frontMatter.js";
import { seededRandom } from "../src/evaluation/squad.js";
import { quotableSentences } from "../src/passages/layout.js";

/** A small, fast, seeded random number generator (mulberry32), shared with the evaluation sets. */
export const random = seededRandom;

/** Words of the bundled model's vocabulary, most frequent first (plain words only). */
async function vocabulary(): Promise<string[]> {
  const tokenizer = JSON.parse(await readFile(join(PROJECT_ROOT, "model/verbatim-glove-sif-100d/tokenizer.json"), "utf8")) as { model: { vocab: Record<string, number> } };
  return Object.entries(tokenizer.model.vocab)
    .sort((a, b) => a[1] - b[1])
    .map(([word]) => word)
    .filter((word) => /^[a-z]+$/.test(word));
}

/** Sentences of the real corpus. */
async function corpusSentences(): Promise<string[]> {
  const dir = join(PROJECT_ROOT, "corpus");
  const sentences: string[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".md")).sort()) {
    const article = parseArticleFile(name, await readFile(join(dir, name), "utf8"));
    for (const s of quotableSentences(article.body)) sentences.push(article.body.slice(s.start, s.end));
  }
  return sentences;
}

export interface SyntheticCorpus {
  /** Questions drawn from the articles' own sentences and from the real corpus. */
  questions: string[];
}

/** Writes `count` articles into `dir` and returns questions about them. */
export async function writeSyntheticCorpus(dir: string, count: number, seed = 42): Promise<SyntheticCorpus> {
  const rand = random(seed);
  const words = await vocabulary();
  const real = await corpusSentences();
  // Zipf over word ranks: rank r drawn with probability ∝ 1 / (r + 10), by inverting the CDF.
  const cumulative = new Float64Array(words.length);
  let total = 0;
  words.forEach((_, r) => (cumulative[r] = total += 1 / (r + 10)));
  const word = () => {
    const x = rand() * total;
    let low = 0;
    let high = words.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < x) low = mid + 1;
      else high = mid;
    }
    return words[low]!;
  };
  const synthetic = () => {
    const n = 8 + Math.floor(rand() * 18);
    const parts = Array.from({ length: n }, word);
    parts[0] = parts[0]![0]!.toUpperCase() + parts[0]!.slice(1);
    return `${parts.join(" ")}.`;
  };
  const questions: string[] = [];
  await mkdir(dir, { recursive: true });
  for (let a = 0; a < count; a++) {
    const target = 400 + Math.floor(rand() * 500);
    const paragraphs: string[] = [];
    let wordsSoFar = 0;
    while (wordsSoFar < target) {
      const sentences: string[] = [];
      const n = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < n; i++) {
        const sentence = rand() < 0.3 ? real[Math.floor(rand() * real.length)]! : synthetic();
        sentences.push(sentence);
        wordsSoFar += sentence.split(" ").length;
      }
      paragraphs.push(sentences.join(" "));
    }
    const id = `bench-${String(a).padStart(6, "0")}`;
    const title = synthetic().slice(0, 60).replace(/\.$/, "");
    const month = String(1 + Math.floor(rand() * 12)).padStart(2, "0");
    const day = String(1 + Math.floor(rand() * 28)).padStart(2, "0");
    await writeFile(join(dir, `${id}.md`), `---\nid: ${id}\ntitle: "${title}"\noutlet: "Bench Wire ${a % 17}"\npublished: "2025-${month}-${day}"\n---\n${paragraphs.join("\n\n")}\n`);
    if (questions.length < 200 && rand() < Math.max(0.05, 200 / count)) {
      // A question made from a sentence of this article: a few of its rarer words, question-shaped.
      const source = paragraphs[Math.floor(rand() * paragraphs.length)]!.split(/(?<=\.)\s/)[0]!;
      const content = source.toLowerCase().replace(/[^a-z\s-]/g, " ").split(/\s+/).filter((w) => w.length > 3);
      const picked = content.filter(() => rand() < 0.5).slice(0, 6);
      const lead = ["what about", "why did", "how does", "who said", "when was", "is there"][Math.floor(rand() * 6)]!;
      if (picked.length >= 2) questions.push(`${lead} ${picked.join(" ")}`);
    }
  }
  const fixed = ["does the treaty include mutual defence", "who signed the treaty", "how long will the treaty last", "what did Peskov say", "How tall is Mount Everest?"];
  let i = 0;
  while (questions.length < 200) questions.push(fixed[i++ % fixed.length]!);
  return { questions: questions.slice(0, 200) };
}
