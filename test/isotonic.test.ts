import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isotonicMap, lowestOf, mapAt, rocAuc, wilsonLower } from "../src/evaluation/isotonic.js";

describe("isotonicMap", () => {
  it("pools the points that break the order and keeps the ones that do not", () => {
    const map = isotonicMap([1, 2, 3, 4], [0, 1, 0, 1]);
    expect(map.y).toEqual([0, 0.5, 1]);
    expect(map.x).toEqual([1, 2.5, 4]);
  });

  it("is non-decreasing whatever the labels, with or without lower bounds", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 200 }), fc.constantFrom(0, 1.28), (points, z) => {
        const map = isotonicMap(points.map(([raw]) => raw), points.map(([, label]) => (label ? 1 : 0)), z);
        for (let i = 1; i < map.y.length; i++) expect(map.y[i]!).toBeGreaterThanOrEqual(map.y[i - 1]!);
        for (let i = 1; i < map.x.length; i++) expect(map.x[i]!).toBeGreaterThanOrEqual(map.x[i - 1]!);
      }),
    );
  });

  it("claims less than a small block shows when asked for lower bounds", () => {
    const raw = Array.from({ length: 10 }, (_, i) => i);
    const labels = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0].reverse();
    expect(isotonicMap(raw, labels).y.at(-1)).toBe(1);
    expect(isotonicMap(raw, labels, 1.28).y.at(-1)!).toBeLessThan(0.9);
  });
});

describe("wilsonLower", () => {
  it("is below the share and closes in on it as the trials grow", () => {
    expect(wilsonLower(0.7, 10, 1.28)).toBeLessThan(0.7);
    expect(wilsonLower(0.7, 10_000, 1.28)).toBeGreaterThan(0.69);
    expect(wilsonLower(0, 5, 1.28)).toBe(0);
  });
});

describe("lowestOf", () => {
  it("takes the lower map at every raw value", () => {
    const a = { x: [0, 1], y: [0.2, 0.9] };
    const b = { x: [0, 1], y: [0.1, 0.6] };
    const low = lowestOf([a, b]);
    expect(mapAt(low, 0.5)).toBeCloseTo(0.35);
    expect(mapAt(low, 2)).toBeCloseTo(0.6);
  });
});

describe("rocAuc", () => {
  it("is 1 for a perfect separation, 0.5 for ties and 0 for a reversed one", () => {
    expect(rocAuc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(rocAuc([1, 1, 1, 1], [false, true, false, true])).toBe(0.5);
    expect(rocAuc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
  });
});
