/**
 * `npm run compare:keyword`: which keyword ranking finds the passage that answers, on the SQuAD
 * validation split (its plain and chat-style questions; the test split is never read): our BM25
 * (the postings the file store keeps and the PostgreSQL store's SQL reads), or PostgreSQL's full-text
 * search (`to_tsvector('english', …)` with a GIN index, ranked by `ts_rank_cd`), with the
 * question's words as an OR query and as `websearch_to_tsquery` (every word required). The
 * PostgreSQL engine is PGlite in this process. Prints hit@1, hit@10, hit@40 (the depth of the
 * keyword candidates) and MRR@40 of the passage holding the answer, per ranking and question set.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { buildConfiguredIndex, embedderOptions } from "../src/app/open.js";
import { loadConfig, PROJECT_ROOT } from "../src/config.js";
import { loadEmbedder } from "../src/embeddings/embedder.js";
import { parseQuestionSet, type LabelledQuestion } from "../src/evaluation/metrics.js";
import { loadIndex } from "../src/index/snapshot.js";
import { tokenize } from "../src/text/terms.js";

const DEPTH = 40;
const split = join(PROJECT_ROOT, "data", "squad", "validation");
if (!existsSync(join(split, "questions.json"))) {
  process.stderr.write("No SQuAD validation split: run `npm run data:squad` first.\n");
  process.exit(1);
}
const config = loadConfig({ CORPUS_DIR: join(split, "corpus"), INDEX_DIR: join(split, "index"), LOG_LEVEL: "silent" });
await buildConfiguredIndex(config, { embedder: await loadEmbedder(embedderOptions(config)) });
const snapshot = await loadIndex(config.INDEX_DIR);
const texts = snapshot.passages.map((passage) => snapshot.articles.get(passage.articleId)!.body.slice(passage.start, passage.end));

const db = await PGlite.create();
await db.exec("create table passages (row integer primary key, tsv tsvector not null)");
for (let start = 0; start < texts.length; start += 500) {
  const rows = texts.slice(start, start + 500);
  await db.query(`insert into passages (row, tsv) select r, to_tsvector('english', t) from unnest($1::int[], $2::text[]) as x (r, t)`, [rows.map((_, i) => start + i), rows]);
}
await db.exec("create index on passages using gin (tsv)");

/** Passage rows ranked by each method, best first, at most DEPTH. */
const rankings: Record<string, (question: string) => Promise<number[]>> = {
  "BM25 (ours)": async (question) => {
    const terms = tokenize(question).filter((token) => !token.stop).map((token) => token.term);
    return snapshot.keyword.search(new Map(terms.map((term) => [term, 1])), DEPTH).map((hit) => hit.doc);
  },
  "full-text, any word (OR)": async (question) => {
    const words = [...new Set(question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
    if (words.length === 0) return [];
    const { rows } = await db.query<{ row: number }>(
      `select row from passages, to_tsquery('english', $1) as q where tsv @@ q order by ts_rank_cd(tsv, q) desc, row limit ${DEPTH}`,
      [words.map((word) => `'${word}'`).join(" | ")],
    );
    return rows.map((row) => row.row);
  },
  "full-text, every word (websearch)": async (question) => {
    const { rows } = await db.query<{ row: number }>(`select row from passages, websearch_to_tsquery('english', $1) as q where tsv @@ q order by ts_rank_cd(tsv, q) desc, row limit ${DEPTH}`, [question]);
    return rows.map((row) => row.row);
  },
};

/** The passages holding a question's gold answer (its first 60 characters, as the metrics read a gold span). */
function answering(question: LabelledQuestion): Set<number> {
  const rows = new Set<number>();
  for (const gold of question.gold ?? []) {
    const needle = gold.slice(0, 60);
    texts.forEach((text, row) => text.includes(needle) && rows.add(row));
  }
  return rows;
}

for (const file of ["questions.json", "questions-chat.json"]) {
  const questions = parseQuestionSet(JSON.parse(await readFile(join(split, file), "utf8"))).filter((question) => (question.gold ?? []).length > 0);
  const targets = questions.map(answering);
  const usable = questions.filter((_, i) => targets[i]!.size > 0).length;
  process.stdout.write(`\n${file}: ${usable} answerable questions whose answer lies within one passage, ${snapshot.passages.length} passages\n`);
  for (const [name, rank] of Object.entries(rankings)) {
    let hit1 = 0;
    let hit10 = 0;
    let hit40 = 0;
    let mrr = 0;
    for (const [i, question] of questions.entries()) {
      const target = targets[i]!;
      if (target.size === 0) continue;
      const ranked = await rank(question.q);
      const place = ranked.findIndex((row) => target.has(row));
      if (place === 0) hit1++;
      if (place >= 0 && place < 10) hit10++;
      if (place >= 0) {
        hit40++;
        mrr += 1 / (place + 1);
      }
    }
    const f = (n: number) => (n / usable).toFixed(3);
    process.stdout.write(`  ${name.padEnd(34)} hit@1 ${f(hit1)}  hit@10 ${f(hit10)}  hit@40 ${f(hit40)}  mrr@40 ${f(mrr)}\n`);
  }
}
await db.close();
