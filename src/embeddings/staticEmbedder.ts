/**
 * The bundled models without a model runtime. A bundled model is a table of word vectors stored
 * as an ONNX graph (int8 rows, one float32 scale per row: Gather, Cast, Gather, Mul), so running it
 * is a table look-up per token. Loading Transformers.js and its ONNX runtime for that costs about
 * 250 MB of resident memory in every bot and worker process; this reads the two tables out of the
 * same file and computes the same numbers (the same float32 products, summed in the same order),
 * with the same tokenizer (Tokenizers.js, the one Transformers.js itself uses).
 */
import type { Embedder } from "./embedder.js";

/** The word-vector table a static model's ONNX file holds. */
export interface StaticTable {
  /** Row-major, `vocabSize × dimensions`, each row scaled by its entry in `scales`. */
  readonly rows: Int8Array;
  readonly scales: Float32Array;
  readonly vocabSize: number;
  readonly dimensions: number;
}

/** What a static model's tokenizer does, as far as embedding needs it. */
export interface TokenIds {
  /** Token ids with the model's special tokens, before truncation. */
  encode(text: string): readonly number[];
}

/**
 * Reads the word-vector table out of an ONNX model, or returns null when the graph is not exactly
 * the static form the bundled models are written in (scripts/staticModel.ts), so any other model
 * goes to the model runtime instead of being misread.
 */
export async function readStaticTable(onnxBytes: Uint8Array): Promise<StaticTable | null> {
  const { onnx } = (await import("onnx-proto")).default;
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(onnxBytes);
  } catch {
    return null;
  }
  const graph = model.graph;
  if (!graph) return null;
  const shape = (graph.node ?? []).map((node) => `${node.opType}(${(node.input ?? []).join(",")})->${(node.output ?? []).join(",")}`).join(" ");
  const expected =
    "Gather(embeddings_int8,input_ids)->token_int8 Cast(token_int8)->token_float Gather(row_scales,input_ids)->token_scale Mul(token_float,token_scale)->last_hidden_state";
  if (shape !== expected) return null;
  const T = onnx.TensorProto.DataType;
  const rowsTensor = graph.initializer?.find((tensor) => tensor.name === "embeddings_int8");
  const scalesTensor = graph.initializer?.find((tensor) => tensor.name === "row_scales");
  if (!rowsTensor || !scalesTensor || rowsTensor.dataType !== T.INT8 || scalesTensor.dataType !== T.FLOAT) return null;
  const [vocabSize = 0, dimensions = 0] = (rowsTensor.dims ?? []).map(Number);
  const rawRows = rowsTensor.rawData;
  const rawScales = scalesTensor.rawData;
  if (!rawRows || !rawScales || rawRows.length !== vocabSize * dimensions || rawScales.length !== vocabSize * 4) return null;
  // Copied out of the decoded message: its byte arrays are views into the whole file, and a
  // Float32Array needs its own 4-byte-aligned buffer.
  const rows = new Int8Array(vocabSize * dimensions);
  rows.set(new Int8Array(rawRows.buffer, rawRows.byteOffset, rawRows.length));
  const scales = new Float32Array(vocabSize);
  new Uint8Array(scales.buffer).set(rawScales);
  return { rows, scales, vocabSize, dimensions };
}

export class StaticEmbedder implements Embedder {
  readonly dimensions: number;

  constructor(
    readonly key: string,
    private readonly table: StaticTable,
    private readonly tokenizer: TokenIds,
    /** Tokens per text, special tokens included; longer texts are cut, as the model runtime's tokenizer call does. */
    private readonly maxTokens: number,
    private readonly pooling: "mean" | "cls",
    private readonly queryPrefix: string,
  ) {
    this.dimensions = table.dimensions;
  }

  async embedDocuments(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embed(text));
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return this.embed(this.queryPrefix + text);
  }

  private embed(text: string): Float32Array {
    const { rows, scales, vocabSize, dimensions: width } = this.table;
    const ids = this.tokenizer.encode(text);
    const length = Math.min(ids.length, this.maxTokens, this.pooling === "cls" ? 1 : Infinity);
    const sums = new Float64Array(width);
    let count = 0;
    for (let t = 0; t < length; t++) {
      const id = ids[t]!;
      if (!(id >= 0 && id < vocabSize)) throw new Error(`The tokenizer gave token id ${id}, outside the model's ${vocabSize} rows: the model folder's tokenizer and weights do not belong together.`);
      count++;
      const scale = scales[id]!;
      const base = id * width;
      // Math.fround of the exact product is the float32 product the graph's Mul computes.
      for (let k = 0; k < width; k++) sums[k]! += Math.fround(rows[base + k]! * scale);
    }
    if (this.pooling === "mean" && count > 0) for (let k = 0; k < width; k++) sums[k]! /= count;
    // Rounded to float32 like the runtime's pooled tensor, then normalised.
    const vector = Float32Array.from(sums);
    let norm = 0;
    for (let k = 0; k < width; k++) norm += vector[k]! * vector[k]!;
    norm = Math.sqrt(norm);
    // A text with no known word pools to a zero vector: it stays zero (not NaN).
    for (let k = 0; k < width; k++) vector[k] = norm > 0 && Number.isFinite(vector[k]!) ? vector[k]! / norm : 0;
    return vector;
  }
}
