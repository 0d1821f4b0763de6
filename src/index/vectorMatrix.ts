import { DOT_ALL_WASM } from "./wasm/dotAllWasm.js";

/**
 * With the PostgreSQL store: passages up to which a bot process holds the vectors as int8 (about
 * 65 MB at 100 dimensions) for an exact search; above, the HNSW graph (postgres/heldVectors.ts).
 */
export const DEFAULT_VECTOR_SCAN_MAX_PASSAGES = 600_000;

/** A row of the matrix and its dot product with the query. */
export interface VectorHit {
  row: number;
  score: number;
}

/** Dot product of every row of a row-major matrix with a vector. */
export function dotAll(matrix: Float32Array, dimensions: number, vector: Float32Array): Float32Array {
  const rows = matrix.length / dimensions;
  const scores = new Float32Array(rows);
  const whole = dimensions - (dimensions % 4);
  for (let row = 0; row < rows; row++) {
    // Four running sums: fewer loop steps and independent additions (about twice as fast in V8).
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const base = row * dimensions;
    let d = 0;
    for (; d < whole; d += 4) {
      s0 += matrix[base + d]! * vector[d]!;
      s1 += matrix[base + d + 1]! * vector[d + 1]!;
      s2 += matrix[base + d + 2]! * vector[d + 2]!;
      s3 += matrix[base + d + 3]! * vector[d + 3]!;
    }
    for (; d < dimensions; d++) s0 += matrix[base + d]! * vector[d]!;
    scores[row] = s0 + s1 + s2 + s3;
  }
  return scores;
}

/** The rows one scope of questions may read (1 = allowed), and how many they are. */
export interface RowMask {
  readonly allowed: Uint8Array;
  readonly count: number;
}

/**
 * The `limit` highest scores, best first, the lower row first among equal scores: a bounded
 * min-heap in typed arrays, whose root is the worst kept (lowest score, then highest row), so a
 * row that does not beat it costs one comparison (half the time of batching and sorting objects).
 * With `mask`, only its allowed rows are considered.
 *
 * On many rows (no mask), a threshold is guessed first from every SAMPLE_STEP-th score (a score
 * the best `limit` very likely all reach), the rows at or above it are listed in one plain pass,
 * and only those go through the heap: a fifth of the time at 180,000 rows. The result is the
 * same: when at least `limit` rows reach the threshold, every one of the best `limit` does; when
 * fewer do (a bad guess), the heap reads every row.
 */
export function topScores(scores: Float32Array, limit: number, mask?: RowMask): VectorHit[] {
  if (!mask && limit > 0 && scores.length >= SAMPLED_SELECTION_ROWS_PER_HIT * limit) {
    const listed = aboveSampledThreshold(scores, limit);
    if (listed) return selectTop(scores, limit, listed.rows, listed.count);
  }
  return selectTop(scores, limit, undefined, scores.length, mask);
}

/** One score in this many is read to guess the threshold. */
const SAMPLE_STEP = 32;
/** Below this many rows per hit wanted, the plain heap is as fast. */
const SAMPLED_SELECTION_ROWS_PER_HIT = 256;

/**
 * The rows whose score reaches a threshold that about twice `limit` rows reach (guessed from a
 * sample), in row order; undefined when fewer than `limit` do.
 */
function aboveSampledThreshold(scores: Float32Array, limit: number): { rows: Int32Array; count: number } | undefined {
  const samples = Math.floor(scores.length / SAMPLE_STEP);
  const sample = new Float32Array(samples);
  for (let i = 0; i < samples; i++) sample[i] = scores[i * SAMPLE_STEP]!;
  // The sample's k-th best: about k * SAMPLE_STEP rows of the whole reach it.
  const k = Math.min(samples, Math.ceil((2 * limit) / SAMPLE_STEP) + 8);
  const threshold = selectTop(sample, k, undefined, samples).at(-1)!.score;
  if (!Number.isFinite(threshold)) return undefined;
  const rows = new Int32Array(Math.min(scores.length, 8 * limit));
  let count = 0;
  for (let row = 0; row < scores.length; row++) {
    if (scores[row]! >= threshold) {
      // Far more rows than guessed reach it (many equal scores): the heap reads them all instead.
      if (count === rows.length) return undefined;
      rows[count++] = row;
    }
  }
  return count >= limit ? { rows, count } : undefined;
}

/** The heap of topScores, over the rows listed (in row order) or over every row. */
function selectTop(scores: Float32Array, limit: number, listed: Int32Array | undefined, count: number, mask?: RowMask): VectorHit[] {
  const capacity = Math.max(0, Math.min(limit, mask ? mask.count : count));
  const allowed = mask?.allowed;
  const heapScores = new Float32Array(capacity);
  const heapRows = new Int32Array(capacity);
  // a is worse than b: a lower score, or the same score at a later row.
  const worse = (scoreA: number, rowA: number, scoreB: number, rowB: number) => scoreA < scoreB || (scoreA === scoreB && rowA > rowB);
  let size = 0;
  for (let j = 0; j < count && capacity > 0; j++) {
    const row = listed === undefined ? j : listed[j]!;
    if (allowed !== undefined && allowed[row] === 0) continue;
    const score = scores[row]!;
    let i: number;
    if (size < capacity) {
      // Sift up from the new leaf.
      i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, row, heapScores[parent]!, heapRows[parent]!)) break;
        heapScores[i] = heapScores[parent]!;
        heapRows[i] = heapRows[parent]!;
        i = parent;
      }
    } else {
      // Rows come in order, so a score equal to the root's is worse than it.
      if (score <= heapScores[0]!) continue;
      // Replace the root and sift down.
      i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= capacity) break;
        const right = left + 1;
        const child = right < capacity && worse(heapScores[right]!, heapRows[right]!, heapScores[left]!, heapRows[left]!) ? right : left;
        if (!worse(heapScores[child]!, heapRows[child]!, score, row)) break;
        heapScores[i] = heapScores[child]!;
        heapRows[i] = heapRows[child]!;
        i = child;
      }
    }
    heapScores[i] = score;
    heapRows[i] = row;
  }
  const hits: VectorHit[] = [];
  for (let k = 0; k < size; k++) hits.push({ row: heapRows[k]!, score: heapScores[k]! });
  return hits.sort((a, b) => b.score - a.score || a.row - b.row);
}

/** A question's nearest rows, and its similarity to any row (the same value a full scan gives). */
export interface Nearest {
  hits: VectorHit[];
  similarity(row: number): number;
}

/** The passage vectors of an index, and their similarities to a question. */
export interface VectorMatrix {
  readonly rows: number;
  readonly dimensions: number;
  /** Row-major float32 rows; fill it once, after creating the matrix. */
  readonly data: Float32Array;
  /** Dot product of every row with `vector` (a fresh array). */
  similarities(vector: Float32Array): Float32Array;
  /**
   * The `limit` rows of highest dot product with `vector`, best first (the lower row first among
   * equal scores), exactly as topScores(similarities(vector), limit, mask) gives them: with `mask`,
   * only among its allowed rows.
   */
  nearest(vector: Float32Array, limit: number, mask?: RowMask): Nearest;
  /**
   * Makes the int8 copy of the rows now (65 ms at 180,000 rows), so that no question waits for it;
   * otherwise it is made on the second question (a one-shot question is answered by the full scan).
   */
  prepare(): void;
  /** "wasm-simd" or "js": which implementation computes the similarities. */
  readonly engine: string;
  /** How many `nearest` calls were answered by the int8 scan, and how many by a full float32 scan. */
  readonly scans: { int8: number; full: number };
}

/** The parts of the WebAssembly API used here (Node's types do not declare them without the DOM lib). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

export interface DotAllExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  dotAll(matrix: number, rows: number, dims: number, vector: number, out: number): void;
  dotRows(matrix: number, dims: number, vector: number, list: number, count: number, out: number): void;
  quantise(matrix: number, rows: number, dims: number, out8: number, stride: number, scales: number, norm: number): number;
  dotI8(matrix8: number, rows: number, stride: number, query16: number, scales: number, out: number): void;
  dotPairs(row: number, dims: number, pairs: number, count: number, out: number): void;
}

let wasmModule: object | null | undefined;

/** The compiled SIMD module (dotAll.wat), or null where WebAssembly SIMD is not available. */
export function dotAllModule(): object | null {
  if (wasmModule === undefined) {
    try {
      const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      wasmModule = new api.Module(Buffer.from(DOT_ALL_WASM, "base64"));
    } catch {
      wasmModule = null;
    }
  }
  return wasmModule;
}

/** Grows a module's memory to at least `bytes` (views made on it before are then detached). */
export function growMemory(memory: DotAllExports["memory"], bytes: number): void {
  const pages = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
}

/** A new instance of the compiled SIMD module with at least `bytes` of memory, all allocated now. */
export function instantiateDotAll(module: object, bytes = 0): DotAllExports {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const wasm = new api.Instance(module).exports as DotAllExports;
  growMemory(wasm.memory, bytes);
  return wasm;
}

/**
 * How many rows the int8 scan hands to the exact float32 scores: at least this many, and ten
 * times the number asked for. On 10,000 synthetic articles (180,837 passages) the exact top 40 was
 * always among the int8 scan's top 400.
 */
export const RESCORED_ROWS = 400;
/** The most rows an int8 scan can hand on (the size of the list it is written to). */
const MAX_RESCORED_ROWS = 4096;

/**
 * A matrix whose similarities are computed with WebAssembly SIMD, living in the module's memory so
 * the vectors are not held twice. Falls back to JavaScript where SIMD is missing or the width is
 * not a multiple of four.
 *
 * `nearest` on a large matrix scans an int8 copy of the rows (one byte per dimension and a scale
 * per row, made from the float32 rows by `prepare` or on the second question: a quarter of the bytes to read, and a
 * scan in well under half the time), takes its best RESCORED_ROWS, scores those exactly in
 * float32 and keeps the best. That is exact, not approximate: each int8 score is within a bound of
 * the float32 one (the rows' and the question's rounding errors, by Cauchy–Schwarz), and when a
 * row left out could still beat the last one kept (the bound does not separate them), the
 * question falls back to the full float32 scan. So the hits and similarities are those of the
 * full scan, bit for bit.
 */
export function createVectorMatrix(rows: number, dimensions: number): VectorMatrix {
  const module = dimensions % 4 === 0 && rows > 0 ? dotAllModule() : null;
  if (module) {
    // Layout of the module's memory, all allocated now (growing it later would detach `data`).
    const padded = Math.ceil(rows / 4) * 4;
    // int8 rows padded to a multiple of 8 bytes (the scan reads eight values at a time).
    const stride = Math.ceil(dimensions / 8) * 8;
    const matrixBytes = rows * dimensions * 4;
    const vectorAt = matrixBytes;
    const outAt = align(vectorAt + dimensions * 4);
    const rows8At = align(outAt + padded * 4);
    const scalesAt = align(rows8At + padded * stride);
    const query16At = align(scalesAt + padded * 4);
    const listAt = align(query16At + 2 * stride);
    const rescoredAt = align(listAt + MAX_RESCORED_ROWS * 4);
    const normAt = align(rescoredAt + MAX_RESCORED_ROWS * 4);
    const needed = normAt + 16;
    const wasm = instantiateDotAll(module, needed);
    const { memory } = wasm;
    const data = new Float32Array(memory.buffer, 0, rows * dimensions);
    const query = new Float32Array(memory.buffer, vectorAt, dimensions);
    const out = new Float32Array(memory.buffer, outAt, padded);
    // The question's int8 values, widened to int16 for the scan (the padding stays zero).
    const query16 = new Int16Array(memory.buffer, query16At, stride);
    const list = new Int32Array(memory.buffer, listAt, MAX_RESCORED_ROWS);
    const rescored = new Float32Array(memory.buffer, rescoredAt, MAX_RESCORED_ROWS);
    // The rows' largest quantising error and length, once the int8 rows are made.
    let rowError = -1;
    let rowLength = 0;
    let asked = 0;
    const prepare = () => {
      if (rowError >= 0) return;
      rowError = wasm.quantise(0, rows, dimensions, rows8At, stride, scalesAt, normAt);
      rowLength = new Float32Array(memory.buffer, normAt, 1)[0]!;
    };
    const fullScan = (vector: Float32Array): Float32Array => {
      query.set(vector);
      wasm.dotAll(0, rows, dimensions, vectorAt, outAt);
      return out.slice(0, rows);
    };
    /** float32 similarity of one row to a question (as the full scan computes it). */
    const exactOne = (vector: Float32Array, row: number): number => {
      // Another question may have used the module's memory since: the question is written again.
      query.set(vector);
      list[0] = row;
      wasm.dotRows(0, dimensions, vectorAt, listAt, 1, rescoredAt);
      return rescored[0]!;
    };
    const scans = { int8: 0, full: 0 };
    const viaFullScan = (vector: Float32Array, limit: number, mask: RowMask | undefined): Nearest => {
      scans.full++;
      const scores = fullScan(vector);
      return { hits: topScores(scores, limit, mask), similarity: (row) => scores[row]! };
    };
    return {
      rows,
      dimensions,
      data,
      engine: "wasm-simd",
      scans,
      prepare,
      similarities: fullScan,
      nearest(vector: Float32Array, limit: number, mask?: RowMask): Nearest {
        const candidates = Math.max(RESCORED_ROWS, limit * 10);
        // A small matrix (or a scope of few rows) is scanned whole: the int8 scan saves nothing there.
        if (limit < 1 || candidates > MAX_RESCORED_ROWS || rows < 4 * candidates || (mask && mask.count <= candidates)) return viaFullScan(vector, limit, mask);
        // The first question does not wait for the int8 rows: a one-shot `verbatim ask` asks one.
        if (rowError < 0 && ++asked < 2) return viaFullScan(vector, limit, mask);
        prepare();
        const quantised = quantiseQuery(vector, dimensions, query16, rowError, rowLength);
        if (!quantised) return viaFullScan(vector, limit, mask);
        const { scale, bound } = quantised;
        query.set(vector);
        wasm.dotI8(rows8At, padded, stride, query16At, scalesAt, outAt);
        const exact = new Map<number, number>();
        let hits: VectorHit[] | undefined;
        // The best `candidates` by int8 score, scored exactly; when that cannot be shown to hold
        // the best `limit`, the best MAX_RESCORED_ROWS; when not even those, the full scan. With a
        // mask, only allowed rows are taken, so the argument below is over the allowed rows alone.
        for (const taken of candidates < MAX_RESCORED_ROWS ? [candidates, MAX_RESCORED_ROWS] : [candidates]) {
          const rough = topScores(out.subarray(0, rows), taken, mask);
          rough.forEach((hit, i) => (list[i] = hit.row));
          wasm.dotRows(0, dimensions, vectorAt, listAt, rough.length, rescoredAt);
          exact.clear();
          const scored: VectorHit[] = rough.map((hit, i) => {
            const score = rescored[i]!;
            exact.set(hit.row, score);
            return { row: hit.row, score };
          });
          scored.sort((a, b) => b.score - a.score || a.row - b.row);
          const best = scored.slice(0, limit);
          // An allowed row not scored exactly has an int8 score at most the last scored one's, so a
          // float32 score at most that plus the bound: the hits are exact when that cannot reach the
          // last hit. Every allowed row was scored exactly when fewer than `taken` were found.
          const lastRough = rough[rough.length - 1]!.score * scale;
          if (rough.length < taken && rough.length === (mask?.count ?? rows)) {
            hits = best;
            break;
          }
          if (best.length === limit && lastRough + bound < best[limit - 1]!.score) {
            hits = best;
            break;
          }
        }
        if (!hits) return viaFullScan(vector, limit, mask);
        scans.int8++;
        const question = Float32Array.from(vector);
        return { hits, similarity: (row) => exact.get(row) ?? exactOne(question, row) };
      },
    };
  }
  const data = new Float32Array(rows * dimensions);
  return {
    rows,
    dimensions,
    data,
    engine: "js",
    scans: { int8: 0, full: 0 },
    prepare: () => undefined,
    similarities: (vector) => dotAll(data, dimensions, vector),
    nearest(vector, limit, mask) {
      this.scans.full++;
      const scores = dotAll(data, dimensions, vector);
      return { hits: topScores(scores, limit, mask), similarity: (row) => scores[row]! };
    },
  };
}

/**
 * A question's first `dimensions` values as int8 (widened to int16 for dotI8, written into `query16`) with its scale,
 * and the bound on how far an int8 score (dotI8's, times `scale`) can be from the float32 one, for
 * rows quantised with at most `rowError` and of length at most `rowLength`:
 * |x·q − x̃·q̃| ≤ |x − x̃|·|q| + (|x| + |x − x̃|)·|q − q̃|, plus float32 rounding (1e-5, which also
 * covers a database summing the float32 products in its own order). Undefined for a zero or not
 * finite vector.
 */
export function quantiseQuery(vector: Float32Array, dimensions: number, query16: Int16Array, rowError: number, rowLength: number): { scale: number; bound: number } | undefined {
  let largest = 0;
  for (let d = 0; d < dimensions; d++) largest = Math.max(largest, Math.abs(vector[d]!));
  if (!(largest > 0) || !Number.isFinite(largest)) return undefined;
  const scale = largest / 127;
  let queryError = 0;
  let queryLength = 0;
  for (let d = 0; d < dimensions; d++) {
    const value = vector[d]!;
    const n = Math.round(value / scale);
    query16[d] = n;
    queryError += (value - n * scale) ** 2;
    queryLength += value * value;
  }
  return { scale, bound: rowError * Math.sqrt(queryLength) + (rowError + rowLength) * Math.sqrt(queryError) + 1e-5 };
}

/** The next multiple of 16 bytes (where the SIMD module's arrays start). */
export function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
