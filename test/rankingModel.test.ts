import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linearScore, parseLearnedModels, sigmoid } from "../src/retrieval/rankingModel.js";
import { loadShippedModels, RANKER_DIR } from "../src/retrieval/shippedModels.js";
import { calibration, fitLogistic, fitRanker, standardisation } from "../src/retrieval/training.js";
import { tempDir } from "./helpers.js";

describe("the learned models' arithmetic", () => {
  it("scores standardised features linearly, ignoring unknown names and counting missing ones as 0", () => {
    const model = { features: ["a", "b"], mean: [1, 0], scale: [2, 1], weights: [4, -1], bias: 0.5 };
    expect(linearScore(model, { a: 3, b: 1, c: 100 })).toBeCloseTo(0.5 + (4 * (3 - 1)) / 2 - 1);
    expect(linearScore(model, {})).toBeCloseTo(0.5 + (4 * (0 - 1)) / 2);
    expect(sigmoid(0)).toBe(0.5);
  });

  it("standardises columns, leaving a constant one at scale 1", () => {
    const { mean, scale } = standardisation([[1, 5], [3, 5]], 2);
    expect(mean).toEqual([2, 5]);
    expect(scale).toEqual([1, 1]);
  });

  it("learns a ranker that puts the relevant candidate first when one feature tells it", () => {
    const groups = Array.from({ length: 40 }, (_, g) => ({
      rows: [0, 1, 2, 3].map((k) => [k === g % 4 ? 1 : 0, ((g * 7 + k * 3) % 5) / 5]),
      relevant: [0, 1, 2, 3].map((k) => k === g % 4),
    }));
    const model = fitRanker(["signal", "noise"], groups, { epochs: 200, learningRate: 0.05, l2: 1e-3 });
    expect(model.weights[0]!).toBeGreaterThan(Math.abs(model.weights[1]!) * 3);
    for (const group of groups) {
      const scores = group.rows.map((row) => linearScore(model, { signal: row[0]!, noise: row[1]! }));
      expect(scores.indexOf(Math.max(...scores))).toBe(group.relevant.indexOf(true));
    }
  });

  it("fits a logistic model whose probabilities match the rates it saw", () => {
    // x = 0: 20% yes; x = 1: 80% yes.
    const rows = [...Array(50).fill([0]), ...Array(50).fill([1])] as number[][];
    const labels = rows.map((row, i) => (row[0] === 0 ? i % 5 === 0 : i % 5 !== 0));
    const model = fitLogistic(["x"], rows, labels, { epochs: 800, learningRate: 0.05, l2: 0 });
    expect(sigmoid(linearScore(model, { x: 0 }))).toBeCloseTo(0.2, 1);
    expect(sigmoid(linearScore(model, { x: 1 }))).toBeCloseTo(0.8, 1);
    const predicted = rows.map((row) => sigmoid(linearScore(model, { x: row[0]! })));
    expect(calibration(predicted, labels).ece).toBeLessThan(0.05);
  });

  it("measures calibration error: zero when the predictions are the observed rates, large when they are not", () => {
    expect(calibration([0.25, 0.25, 0.25, 0.25], [true, false, false, false]).ece).toBeCloseTo(0);
    expect(calibration([0.95, 0.95], [false, false]).ece).toBeCloseTo(0.95);
  });

  it("refuses a models file whose arrays do not match its features", () => {
    const bad = { version: 1, ranker: { features: ["a"], mean: [0, 1], scale: [1], weights: [1], bias: 0 }, answer: { features: [], mean: [], scale: [], weights: [], bias: 0 }, threshold: 0.5, trainedOn: {} };
    expect(() => parseLearnedModels(bad)).toThrow(/do not match its features/);
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
    await writeFile(join(dir, "ranker.json"), text.replace(/"threshold": [0-9.]+/, '"threshold": 0'));
    await expect(loadShippedModels("any", dir)).rejects.toThrow(/does not match its checksum: restore it with `git checkout -- model` or retrain it with `npm run train:ranker`/);
    expect((await loadShippedModels("any", join(dir, "missing"))).models).toBeUndefined();
  });
});
