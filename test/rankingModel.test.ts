import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { calibration } from "../src/evaluation/metrics.js";
import { linearScore, modelScore, parseLearnedModels, probability, sigmoid, treesScore, type TreeEnsemble } from "../src/retrieval/rankingModel.js";
import { loadShippedModels, RANKER_DIR } from "../src/retrieval/shippedModels.js";
import { tempDir } from "./helpers.js";

const linear = { kind: "linear" as const, features: ["a", "b"], mean: [1, 0], scale: [2, 1], weights: [4, -1], bias: 0.5 };
/** Two trees: a stump on a (below 0.5 → -1, else 2) and a tree on b then a. */
const trees: TreeEnsemble = {
  kind: "trees",
  features: ["a", "b"],
  base: 0.25,
  trees: [
    { feature: [0, -1, -1], threshold: [0.5, -1, 2], left: [1, 0, 0], right: [2, 0, 0] },
    { feature: [1, -1, 0, -1, -1], threshold: [3, 10, 0.1, 20, 30], left: [1, 0, 3, 0, 0], right: [2, 0, 4, 0, 0] },
  ],
};

describe("the learned models' arithmetic", () => {
  it("scores standardised features linearly, ignoring unknown names and counting missing ones as 0", () => {
    expect(linearScore(linear, { a: 3, b: 1, c: 100 })).toBeCloseTo(0.5 + (4 * (3 - 1)) / 2 - 1);
    expect(linearScore(linear, {})).toBeCloseTo(0.5 + (4 * (0 - 1)) / 2);
    expect(modelScore(linear, { a: 3, b: 1 })).toBe(linearScore(linear, { a: 3, b: 1 }));
    expect(sigmoid(0)).toBe(0.5);
  });

  it("walks each tree to a leaf (left below the threshold) and adds the leaves to the base", () => {
    expect(treesScore(trees, { a: 0, b: 0 })).toBeCloseTo(0.25 - 1 + 10);
    expect(treesScore(trees, { a: 0.5, b: 3 })).toBeCloseTo(0.25 + 2 + 30);
    expect(treesScore(trees, { a: 0.05, b: 5 })).toBeCloseTo(0.25 - 1 + 20);
    expect(modelScore(trees, {})).toBeCloseTo(0.25 - 1 + 10);
  });

  it("compares in float32, as the trees were fitted", () => {
    const edge: TreeEnsemble = { kind: "trees", features: ["a"], base: 0, trees: [{ feature: [0, -1, -1], threshold: [Math.fround(0.1), -1, 1], left: [1, 0, 0], right: [2, 0, 0] }] };
    // 0.1 is just below fround(0.1) in float64, and equal to it in float32: it goes right.
    expect(treesScore(edge, { a: 0.1 })).toBe(1);
  });

  it("maps raw values to probabilities through the calibration, clamped at its ends and never decreasing", () => {
    const calibration = { x: [-2, 0, 2], y: [0.1, 0.5, 0.9] };
    expect(probability(calibration, -5)).toBe(0.1);
    expect(probability(calibration, 1)).toBeCloseTo(0.7);
    expect(probability(calibration, 9)).toBe(0.9);
    fc.assert(fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), (u, v) => probability(calibration, Math.min(u, v)) <= probability(calibration, Math.max(u, v))));
  });

  it("measures calibration error: zero when the predictions are the observed rates, large when they are not", () => {
    expect(calibration([0.25, 0.25, 0.25, 0.25], [true, false, false, false]).ece).toBeCloseTo(0);
    expect(calibration([0.95, 0.95], [false, false]).ece).toBeCloseTo(0.95);
  });

  const judge = (change: Record<string, unknown> = {}) => ({ answer: trees, calibration: { x: [0, 1], y: [0.2, 0.8] }, refusal: linear, refusalCalibration: { x: [-1, 1], y: [0.1, 0.9] }, threshold: 0.5, ...change });
  const file = (change: Record<string, unknown>) => ({ version: 3, ranker: linear, learned: judge(), hand: judge(), trainedOn: {}, ...change });

  it.each([
    ["a linear model whose arrays do not match its features", { ranker: { ...linear, mean: [0] } }, /arrays do not match its features/],
    ["a tree that splits on a feature it does not have", { learned: judge({ answer: { ...trees, trees: [{ feature: [7, -1, -1], threshold: [0, 1, 2], left: [1, 0, 0], right: [2, 0, 0] }] } }) }, /splits on feature 7/],
    ["a tree whose node points back (it would never reach a leaf)", { hand: judge({ refusal: { ...trees, trees: [{ feature: [0, 0, -1], threshold: [0, 1, 2], left: [1, 0, 0], right: [2, 0, 0] }] } }) }, /children are not after it/],
    ["a calibration that goes down", { hand: judge({ calibration: { x: [0, 1], y: [0.8, 0.2] } }) }, /hand ranking's calibration is not a monotone map/],
    ["an older format", { version: 2 }, /version/],
  ])("refuses a models file with %s", (_, change, message) => {
    expect(() => parseLearnedModels(file(change))).toThrow(message);
  });

  it("accepts a well-formed file", () => {
    expect(parseLearnedModels(file({})).hand.threshold).toBe(0.5);
  });
});

describe("the shipped learned models", () => {
  it("load with their checksum, for the embedding model they were trained with only", async () => {
    const text = await readFile(join(RANKER_DIR, "ranker.json"), "utf8");
    const key = String(JSON.parse(text).trainedOn.embeddingModelKey);
    expect((await loadShippedModels(key)).models).toBeDefined();
    const other = await loadShippedModels("another-model@q8");
    expect(other.models).toBeUndefined();
    expect("reason" in other && other.reason).toMatch(/trained with the embedding model/);
  });

  it("are refused when damaged, with what to do", async () => {
    const dir = await tempDir("verbatim-ranker-");
    await cp(RANKER_DIR, dir, { recursive: true });
    const text = await readFile(join(dir, "ranker.json"), "utf8");
    await writeFile(join(dir, "ranker.json"), text.replace(/"threshold":\s*[0-9.]+/, '"threshold":0'));
    await expect(loadShippedModels("any", dir)).rejects.toThrow(/does not match its checksum: restore it with `git checkout -- model` or retrain it with `npm run train:ranker`/);
    expect((await loadShippedModels("any", join(dir, "missing"))).models).toBeUndefined();
  });
});
