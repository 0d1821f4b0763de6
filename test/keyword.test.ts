import { describe, expect, it } from "vitest";
import { KeywordIndex } from "../src/index/keyword.js";

describe("KeywordIndex", () => {
  const docs = [["treati", "defens", "mutual"], ["treati", "trade"], ["drone", "drone", "ukrain"], ["trade", "gas", "energi", "export"]];
  const index = KeywordIndex.build(docs);

  it("ranks the document with the rarer matching terms first", () => {
    const hits = index.search(new Map([["treati", 1], ["defens", 1]]), 10);
    expect(hits.map((h) => h.doc)).toEqual([0, 1]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it("scores each question afresh, whatever the questions before it (masked or not) accumulated", () => {
    const fresh = (query: Map<string, number>) => KeywordIndex.build(docs).search(query, 10);
    const reused = KeywordIndex.build(docs);
    const questions = [new Map([["treati", 1], ["trade", 2]]), new Map([["drone", 1]]), new Map([["trade", 1], ["gas", 1], ["treati", 1]]), new Map([["treati", 1], ["trade", 2]])];
    const mask = reused.mask(Uint8Array.from([1, 0, 1, 1]));
    for (const query of questions) {
      reused.search(query, 10, { mask, idf: (term) => reused.idf(term) });
      expect(reused.search(query, 10)).toEqual(fresh(query));
    }
  });

  it("gives a rarer term a higher idf, and an unknown term no hits", () => {
    expect(index.idf("defens")).toBeGreaterThan(index.idf("treati"));
    expect(index.search(new Map([["everest", 1]]), 10)).toEqual([]);
  });

  it("saturates repeated terms", () => {
    const once = index.termScore("drone", 1, 3);
    const twice = index.termScore("drone", 2, 3);
    expect(twice).toBeGreaterThan(once);
    expect(twice).toBeLessThan(2 * once);
  });

  it("scores the same after a save and load", () => {
    const ids = new Map(docs.flat().filter((term, i, all) => all.indexOf(term) === i).map((term, i) => [term, i]));
    const restored = KeywordIndex.fromBytes(index.toBytes(), ids);
    const query = new Map([["trade", 1], ["gas", 0.5]]);
    expect(restored.search(query, 10)).toEqual(index.search(query, 10));
  });

  it("tells whether a run of documents contains a term, as a scan of them would", () => {
    const ids = new Map(docs.flat().filter((term, i, all) => all.indexOf(term) === i).map((term, i) => [term, i]));
    for (const [term, id] of ids) {
      for (let first = 0; first <= docs.length; first++) {
        for (let end = first; end <= docs.length; end++) {
          expect(index.hasTermIn(id, first, end), `${term} in [${first}, ${end})`).toBe(docs.slice(first, end).some((doc) => doc.includes(term)));
        }
      }
    }
  });

  it("refuses malformed saved data", () => {
    expect(() => KeywordIndex.fromBytes(new Uint8Array(10), new Map())).toThrow(/malformed/);
    const bytes = index.toBytes();
    expect(() => KeywordIndex.fromBytes(bytes.subarray(0, bytes.length - 4), new Map(docs.flat().map((t) => [t, 0])))).toThrow(/malformed/);
  });
});
