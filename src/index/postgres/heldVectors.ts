/**
 * A build's passage vectors held in the question process as int8 values (one byte a dimension and
 * a scale a row: 108 bytes a passage at 100 dimensions, 20 MB at 10,000 articles), for an exact
 * vector search that needs no graph. The HNSW graph is approximate, and at 10,000 synthetic articles
 * it needs `ef_search` 400 (25 ms a question on two cores) for 98% of the true 40 nearest; scanning
 * 180,000 int8 rows here takes about 2 ms.
 *
 * A question's int8 scores are within a bound of the float32 ones (the rows' and the question's
 * rounding errors, by Cauchy–Schwarz, as the file store's int8 scan argues: vectorMatrix.ts). The
 * best few hundred by int8 score are scored exactly by the database, from the stored float32
 * vectors, and the best `limit` of them are the exact nearest when no row left out could reach the
 * last one kept (its int8 score plus the bound stays below); otherwise more are taken, and at
 * last the database scans every row. So the hits are those of a sequential scan, ties and all.
 *
 * Loaded at warm-up (the bot's start, a new build), not for a one-shot `verbatim ask`, in chunks of
 * rows read in pgvector's binary form; up to VECTOR_SCAN_MAX_PASSAGES passages (memory grows with
 * the build only that far: above it the graph searches).
 */
import type pg from "pg";
import { IndexCorruptError } from "../errors.js";
import { align, dotAllModule, instantiateDotAll, quantiseQuery, topScores, type DotAllExports, type RowMask } from "../vectorMatrix.js";
import { partition } from "./schema.js";

/**
 * Rows scored exactly, by int8 score, before the database scans them all: at 10,000 synthetic
 * articles (180,837 passages, 200 questions) the best 400 held the exact 40 nearest, as the bound
 * shows it, for 97% of questions, and the best 4,096 for all.
 */
export const HELD_CANDIDATES: readonly number[] = [400, 4096];
/** Rows read from the database in one query while loading (3.3 MB of float32 at 100 dimensions). */
const CHUNK_ROWS = 8192;

/** Rows worth scoring exactly, and the most a row left out of them can score. */
export interface HeldCandidates {
  rows: number[];
  /** An upper bound on the float32 score of every row not in `rows` (-Infinity when none is left out). */
  ceiling: number;
}

export class HeldVectors {
  private readonly query16: Int16Array;
  private readonly out: Float32Array;

  private constructor(
    private readonly wasm: DotAllExports,
    readonly rows: number,
    readonly dimensions: number,
    private readonly stride: number,
    private readonly rows8At: number,
    private readonly scalesAt: number,
    outAt: number,
    private readonly query16At: number,
    /** The largest quantising error of any row, and the largest row length. */
    private readonly rowError: number,
    private readonly rowLength: number,
  ) {
    this.query16 = new Int16Array(wasm.memory.buffer, query16At, stride);
    this.out = new Float32Array(wasm.memory.buffer, outAt, rows);
  }

  /** Bytes of memory the held rows take. */
  get bytes(): number {
    return this.wasm.memory.buffer.byteLength;
  }

  /**
   * Reads a build's `rows` passage vectors and keeps them as int8; undefined where WebAssembly SIMD
   * is missing or the width is not a multiple of four (the graph searches then).
   */
  static async load(pool: pg.Pool, build: number, rows: number, dimensions: number): Promise<HeldVectors | undefined> {
    const module = dimensions % 4 === 0 && rows > 0 ? dotAllModule() : null;
    if (!module) return undefined;
    const where = `build ${build} in PostgreSQL`;
    const padded = Math.ceil(rows / 4) * 4;
    const stride = Math.ceil(dimensions / 8) * 8;
    const chunkAt = 0;
    const rows8At = align(chunkAt + CHUNK_ROWS * dimensions * 4);
    const scalesAt = align(rows8At + padded * stride);
    const outAt = align(scalesAt + padded * 4);
    const query16At = align(outAt + padded * 4);
    const normAt = align(query16At + 2 * stride);
    const needed = normAt + 16;
    const wasm = instantiateDotAll(module, needed);
    const chunk = new Float32Array(wasm.memory.buffer, chunkAt, CHUNK_ROWS * dimensions);
    const norm = new Float32Array(wasm.memory.buffer, normAt, 1);
    let rowError = 0;
    let rowLength = 0;
    for (let from = 0; from < rows; from += CHUNK_ROWS) {
      const to = Math.min(rows, from + CHUNK_ROWS);
      // vector_send: pgvector's binary form (int16 dimensions, int16 unused, big-endian float32s), a
      // third of the text form's bytes.
      const { rows: read } = await pool.query<{ row: number; vector: Buffer }>(`select row, vector_send(embedding) as vector from ${partition("passages", build)} where build = ${build} and row >= $1 and row < $2 order by row`, [from, to]);
      if (read.length !== to - from) throw new IndexCorruptError(where, `its passages ${from} to ${to - 1} are not all there (${read.length} of ${to - from})`);
      read.forEach((row, i) => {
        if (row.row !== from + i) throw new IndexCorruptError(where, `its passages are not numbered ${from}, ${from + 1}, …`);
        if (row.vector.length !== 4 + 4 * dimensions || row.vector.readInt16BE(0) !== dimensions) throw new IndexCorruptError(where, `the vector of passage ${row.row} is not of ${dimensions} dimensions`);
        for (let k = 0; k < dimensions; k++) chunk[i * dimensions + k] = row.vector.readFloatBE(4 + 4 * k);
      });
      const error = wasm.quantise(chunkAt, to - from, dimensions, rows8At + from * stride, stride, scalesAt + from * 4, normAt);
      if (!Number.isFinite(error) || !Number.isFinite(norm[0]!)) throw new IndexCorruptError(where, `a vector among passages ${from} to ${to - 1} is not finite`);
      rowError = Math.max(rowError, error);
      rowLength = Math.max(rowLength, norm[0]!);
    }
    return new HeldVectors(wasm, rows, dimensions, stride, rows8At, scalesAt, outAt, query16At, rowError, rowLength);
  }

  /**
   * The `taken` rows of highest int8 score with `vector` (all rows when they are fewer; with
   * `mask`, of its allowed rows), and the
   * bound on what any other row scores in float32; undefined for a vector the int8 form cannot
   * take (zero or not finite: the database scans).
   */
  candidates(vector: Float32Array, taken: number, mask?: RowMask): HeldCandidates | undefined {
    if (vector.length !== this.dimensions) throw new Error(`a question vector of ${vector.length} dimensions for passages of ${this.dimensions}`);
    const quantised = quantiseQuery(vector, this.dimensions, this.query16, this.rowError, this.rowLength);
    if (!quantised) return undefined;
    this.wasm.dotI8(this.rows8At, Math.ceil(this.rows / 4) * 4, this.stride, this.query16At, this.scalesAt, this.out.byteOffset);
    // With a mask, among its allowed rows only: the bound below is then over those alone.
    const rough = topScores(this.out, taken, mask);
    const rows = rough.map((hit) => hit.row);
    if (rough.length >= (mask?.count ?? this.rows)) return { rows, ceiling: -Infinity };
    return { rows, ceiling: rough.at(-1)!.score * quantised.scale + quantised.bound };
  }
}
