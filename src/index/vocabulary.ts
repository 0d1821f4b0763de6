import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BUILD_FILES } from "./layout.js";
import { ownBuffer } from "./ownBuffer.js";

const VOCABULARY_FILES = { list: BUILD_FILES.vocabulary, vectors: BUILD_FILES.vocabularyVectors } as const;

/**
 * Word vectors for the index's terms, for soft matching (a question's "admit" meeting an
 * article's "denies"). Each term (a stem) is embedded through its most frequent spelling in the
 * corpus. Stored as `vocabulary.json` (terms, spellings) and `vocabulary.bin`: one float32 scale
 * per row, then int8 rows — a quarter of float32's size, and plenty for a similarity threshold.
 */
export interface Vocabulary {
  terms: string[];
  spellings: string[];
  /** 1 where the term is a proper name ("Kyiv", "NATO"): capitalised wherever it stands inside a sentence. */
  names: Uint8Array;
  dimensions: number;
  /** Row-major, unit-length rows, dequantised. */
  vectors: Float32Array;
  row: ReadonlyMap<string, number>;
}


/** Counts how each term is spelled, to pick its most common spelling (ties: alphabetical). */
export class SpellingCounter {
  private readonly counts = new Map<string, Map<string, number>>();

  add(term: string, spelling: string): void {
    let forTerm = this.counts.get(term);
    if (!forTerm) this.counts.set(term, (forTerm = new Map()));
    forTerm.set(spelling, (forTerm.get(spelling) ?? 0) + 1);
  }

  /** Each term's most common spelling, terms in sorted order. */
  best(): Map<string, string> {
    const best = new Map<string, string>();
    for (const [term, forTerm] of [...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [spelling] = [...forTerm].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
      best.set(term, spelling);
    }
    return best;
  }
}

/** Share of a term's uses inside sentences that must be capitalised for it to count as a name. */
export const NAME_CAPITALISED_SHARE = 0.8;

/** Counts how often each term (by id) is capitalised where it stands inside a sentence (not first). */
export class NameCounter {
  private capitalised: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  private total: Uint32Array<ArrayBuffer> = new Uint32Array(1024);

  add(id: number, capitalised: boolean): void {
    if (id >= this.total.length) {
      const size = Math.max(id + 1, this.total.length * 2);
      this.capitalised = grown(this.capitalised, size);
      this.total = grown(this.total, size);
    }
    if (capitalised) this.capitalised[id]!++;
    this.total[id]!++;
  }

  /** The terms (`terms[id]`) capitalised in at least NAME_CAPITALISED_SHARE of their uses inside sentences. */
  names(terms: readonly string[]): Set<string> {
    const names = new Set<string>();
    const n = Math.min(terms.length, this.total.length);
    for (let id = 0; id < n; id++) if (this.total[id]! > 0 && this.capitalised[id]! >= NAME_CAPITALISED_SHARE * this.total[id]!) names.add(terms[id]!);
    return names;
  }
}

function grown(array: Uint32Array, size: number): Uint32Array<ArrayBuffer> {
  const bigger = new Uint32Array(size);
  bigger.set(array);
  return bigger;
}

/** Builds a vocabulary from terms, their spellings and their vectors (in the same order), and the names among the terms. */
export function makeVocabulary(terms: string[], spellings: string[], rows: Float32Array[], dimensions: number, names: ReadonlySet<string> = new Set()): Vocabulary {
  const vectors = new Float32Array(terms.length * dimensions);
  rows.forEach((vector, i) => vectors.set(vector, i * dimensions));
  return { terms, spellings, names: Uint8Array.from(terms, (term) => (names.has(term) ? 1 : 0)), dimensions, vectors, row: new Map(terms.map((term, i) => [term, i])) };
}

/** Row `i` of a vocabulary as stored: its float32 scale, then its int8 components (see writeVocabulary). */
export function quantizedRow(vocabulary: Vocabulary, i: number): Buffer {
  const { dimensions, vectors } = vocabulary;
  const bytes = Buffer.alloc(4 + dimensions);
  let max = 0;
  for (let d = 0; d < dimensions; d++) max = Math.max(max, Math.abs(vectors[i * dimensions + d]!));
  // As writeVocabulary: the scale is kept as float32, the components divided by it unrounded.
  const scale = max / 127;
  bytes.writeFloatLE(scale, 0);
  for (let d = 0; d < dimensions; d++) bytes.writeInt8(scale === 0 ? 0 : Math.round(vectors[i * dimensions + d]! / scale), 4 + d);
  return bytes;
}

/** Dequantises a row stored by quantizedRow into `target` at `offset`; throws if it is not `dimensions` long. */
export function dequantizeRow(bytes: Uint8Array, dimensions: number, target: Float32Array, offset: number): void {
  if (bytes.length !== 4 + dimensions) throw new Error(`a stored word vector has ${bytes.length - 4} components, not ${dimensions}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scale = view.getFloat32(0, true);
  for (let d = 0; d < dimensions; d++) target[offset + d] = view.getInt8(4 + d) * scale;
}

/** Writes a vocabulary into a build folder. */
export async function writeVocabulary(folder: string, vocabulary: Vocabulary): Promise<void> {
  const { terms, spellings, names, dimensions, vectors } = vocabulary;
  const scales = new Float32Array(terms.length);
  const quantized = new Int8Array(terms.length * dimensions);
  for (let i = 0; i < terms.length; i++) {
    let max = 0;
    for (let d = 0; d < dimensions; d++) max = Math.max(max, Math.abs(vectors[i * dimensions + d]!));
    const scale = max / 127;
    scales[i] = scale;
    for (let d = 0; d < dimensions; d++) quantized[i * dimensions + d] = scale === 0 ? 0 : Math.round(vectors[i * dimensions + d]! / scale);
  }
  await writeFile(join(folder, VOCABULARY_FILES.list), JSON.stringify({ dimensions, terms, spellings, names: terms.flatMap((_, i) => (names[i] ? [i] : [])) }));
  await writeFile(join(folder, VOCABULARY_FILES.vectors), Buffer.concat([Buffer.from(scales.buffer), Buffer.from(quantized.buffer)]));
}

/** A vocabulary from the bytes of its two files (`vocabulary.json`, `vocabulary.bin`); throws if they disagree. */
export function parseVocabulary(listBytes: Buffer, bytes: Buffer): Vocabulary {
  const list = JSON.parse(listBytes.toString("utf8")) as { dimensions: number; terms: string[]; spellings: string[]; names: number[] };
  const n = list.terms.length;
  const d = list.dimensions;
  if (!Array.isArray(list.terms) || list.spellings.length !== n || bytes.length !== n * 4 + n * d) throw new Error(`${VOCABULARY_FILES.vectors} does not match ${VOCABULARY_FILES.list}`);
  if (!Array.isArray(list.names) || list.names.some((row) => !Number.isInteger(row) || row < 0 || row >= n)) throw new Error(`${VOCABULARY_FILES.list} has malformed names`);
  const names = new Uint8Array(n);
  for (const row of list.names) names[row] = 1;
  const buffer = ownBuffer(bytes);
  const scales = new Float32Array(buffer, 0, n);
  const quantized = new Int8Array(buffer, n * 4, n * d);
  const vectors = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const scale = scales[i]!;
    for (let k = i * d, end = k + d; k < end; k++) vectors[k] = quantized[k]! * scale;
  }
  return { terms: list.terms, spellings: list.spellings, names, dimensions: d, vectors, row: new Map(list.terms.map((term, i) => [term, i])) };
}
