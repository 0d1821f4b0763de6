import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createVectorMatrix, dotAll, topScores } from "../src/index/vectorMatrix.js";

describe("vector search", () => {
  it("returns the highest dot products, best first", () => {
    const matrix = Float32Array.from([1, 0, 0, 1, 0.7, 0.7, -1, 0]);
    const scores = dotAll(matrix, 2, Float32Array.from([1, 0]));
    expect(topScores(scores, 2).map((h) => h.row)).toEqual([0, 2]);
  });

  it("matches a full sort on random data", () => {
    const scores = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const expected = [...scores].map((score, row) => ({ row, score })).sort((a, b) => b.score - a.score).slice(0, 25).map((h) => h.row);
    expect(topScores(scores, 25).map((h) => h.row)).toEqual(expected);
  });
});

describe("the top scores", () => {
  it("are the first rows of a full sort by score then row, whatever the scores, ties and limit", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 300 }), fc.integer({ min: 0, max: 60 }), (values, limit) => {
        const scores = Float32Array.from(values, (v) => v / 4);
        const expected = [...scores].map((score, row) => ({ row, score })).sort((a, b) => b.score - a.score || a.row - b.row).slice(0, limit);
        expect(topScores(scores, limit)).toEqual(expected);
      }),
    );
  });

  it("are the same when many rows let a sampled threshold list the rows first: spread scores, ties, and skewed samples", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 256, max: 6000 }),
        fc.integer({ min: 1, max: 23 }),
        fc.constantFrom(3, 50, 100000),
        fc.constantFrom("even", "rising", "falling", "sampledHigh", "sampledLow"),
        fc.integer(),
        (length, limit, levels, trend, seed) => {
          let x = seed;
          const next = () => ((x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32;
          // Few levels: many equal scores at the threshold; a trend, or every 32nd row set apart: the sampled rows are unlike the rest.
          const apart = (row: number) => (row % 32 === 0 ? (trend === "sampledHigh" ? 2 : trend === "sampledLow" ? -2 : 0) : 0);
          const scores = Float32Array.from({ length }, (_, row) => Math.floor(next() * levels) / levels + apart(row) + (trend === "rising" ? row / length : trend === "falling" ? -row / length : 0));
          const expected = [...scores].map((score, row) => ({ row, score })).sort((a, b) => b.score - a.score || a.row - b.row).slice(0, limit);
          expect(topScores(scores, limit)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the vector matrix", () => {
  it("computes with WebAssembly SIMD the same similarities as plain JavaScript", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.constantFrom(4, 8, 100, 6), fc.integer(), (rows, dimensions, seed) => {
        let x = seed;
        const next = () => ((x = (Math.imul(x, 1103515245) + 12345) | 0) / 2 ** 31);
        const matrix = createVectorMatrix(rows, dimensions);
        for (let i = 0; i < matrix.data.length; i++) matrix.data[i] = next();
        const query = Float32Array.from({ length: dimensions }, next);
        const expected = dotAll(Float32Array.from(matrix.data), dimensions, query);
        const actual = matrix.similarities(query);
        expect(matrix.engine).toBe(dimensions % 4 === 0 ? "wasm-simd" : "js");
        expect(actual).toHaveLength(rows);
        actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 4));
      }),
      { numRuns: 60 },
    );
  });
});

describe("the nearest rows (int8 scan, then exact float32 scores)", () => {
  /** Unit-length rows around a few centres (as passages of a few topics are), some repeated exactly. */
  function topicalMatrix(rows: number, dimensions: number, seed: number) {
    let x = seed | 1;
    const next = () => ((x = (Math.imul(x, 1103515245) + 12345) | 0) / 2 ** 31);
    const centres = Array.from({ length: 8 }, () => Float32Array.from({ length: dimensions }, next));
    const matrix = createVectorMatrix(rows, dimensions);
    for (let r = 0; r < rows; r++) {
      const row = matrix.data.subarray(r * dimensions, (r + 1) * dimensions);
      if (r > 0 && r % 97 === 0) row.set(matrix.data.subarray((r - 1) * dimensions, r * dimensions)); // a duplicate: a tie
      else {
        const centre = centres[r % centres.length]!;
        for (let d = 0; d < dimensions; d++) row[d] = centre[d]! + 0.6 * next();
      }
      const length = Math.hypot(...row);
      for (let d = 0; d < dimensions; d++) row[d] = row[d]! / length;
    }
    return { matrix, next };
  }

  it("finds exactly the full scan's top rows and similarities, bit for bit", () => {
    fc.assert(
      fc.property(fc.constantFrom(100, 64, 8), fc.integer({ min: 1, max: 60 }), fc.integer(), (dimensions, limit, seed) => {
        const { matrix, next } = topicalMatrix(6000, dimensions, seed);
        matrix.prepare();
        const query = Float32Array.from({ length: dimensions }, next);
        const full = matrix.similarities(query);
        const nearest = matrix.nearest(query, limit);
        expect(nearest.hits).toEqual(topScores(full, limit));
        for (const row of [0, 1, 97, 2500, 5999, ...nearest.hits.map((hit) => hit.row)]) expect(nearest.similarity(row)).toBe(full[row]);
        // Only the width of four or more lanes has the WebAssembly scan; with it, these questions take the int8 scan.
        expect(matrix.scans).toEqual(matrix.engine === "wasm-simd" ? { int8: 1, full: 0 } : { int8: 0, full: 1 });
      }),
      { numRuns: 12 },
    );
  });

  it("stays exact when rows cannot be told apart (every row the same), by scanning them all", () => {
    const matrix = createVectorMatrix(5000, 16);
    for (let r = 0; r < 5000; r++) matrix.data.set(Float32Array.from({ length: 16 }, (_, d) => (d === r % 2 ? 1 : 0)), r * 16);
    const query = Float32Array.from({ length: 16 }, (_, d) => (d < 2 ? Math.SQRT1_2 : 0));
    expect(matrix.nearest(query, 40).hits).toEqual(topScores(matrix.similarities(query), 40));
    expect(matrix.scans).toEqual({ int8: 0, full: 1 });
  });

  it("answers the first question by the full scan unless prepared, and makes the int8 rows for the second", () => {
    const { matrix, next } = topicalMatrix(6000, 100, 11);
    const query = Float32Array.from({ length: 100 }, next);
    const first = matrix.nearest(query, 40).hits;
    expect(matrix.scans).toEqual({ int8: 0, full: 1 });
    expect(matrix.nearest(query, 40).hits).toEqual(first);
    expect(matrix.scans).toEqual({ int8: 1, full: 1 });
  });

  it("gives each question its own similarities when questions interleave", () => {
    const { matrix, next } = topicalMatrix(6000, 100, 7);
    const first = Float32Array.from({ length: 100 }, next);
    const second = Float32Array.from({ length: 100 }, next);
    const a = matrix.nearest(first, 40);
    const b = matrix.nearest(second, 40);
    const fullA = matrix.similarities(first);
    expect(matrix.nearest(second, 40).hits).toEqual(b.hits);
    for (const row of [3, 1000, 4321]) expect(a.similarity(row)).toBe(fullA[row]);
  });
});
