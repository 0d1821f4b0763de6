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
