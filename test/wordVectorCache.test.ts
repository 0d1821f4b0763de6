import { describe, expect, it } from "vitest";
import { WordVectorCache } from "../src/index/postgres/wordVectors.js";

/** A stored vector of 4 bytes whose bytes all say which term it is. */
const bytesOf = (term: number) => new Uint8Array(4).fill(term);

describe("the PostgreSQL store's word-vector cache", () => {
  it("gives back each term's bytes (a copy) and whether it is a name, and holds every term while they fit", () => {
    const cache = new WordVectorCache(10, 4, 200_000);
    expect(cache.capacity).toBe(10);
    for (let term = 0; term < 10; term++) {
      const bytes = bytesOf(term);
      cache.put(term, bytes, term % 2 === 0);
      bytes.fill(99);
    }
    expect(cache.size).toBe(10);
    for (let term = 0; term < 10; term++) expect(cache.get(term)).toEqual({ stored: bytesOf(term), name: term % 2 === 0 });
    // Held again: the same slot, new bytes.
    cache.put(3, new Uint8Array([1, 2, 3, 4]), true);
    expect(cache.size).toBe(10);
    expect(cache.get(3)).toEqual({ stored: new Uint8Array([1, 2, 3, 4]), name: true });
  });

  it("beyond its capacity, gives a new term the slot of one not used since the others were", () => {
    const cache = new WordVectorCache(100, 4, 3);
    for (const term of [10, 11, 12]) cache.put(term, bytesOf(term), false);
    // All three were just used: the hand clears each one's bit and takes the first, 10.
    cache.put(13, bytesOf(13), false);
    expect(cache.get(10)).toBeUndefined();
    expect(cache.size).toBe(3);
    // 11 is used now; 12 has not been since the hand passed it: it goes next, not 11.
    expect(cache.get(11)).toEqual({ stored: bytesOf(11), name: false });
    cache.put(14, bytesOf(14), false);
    expect(cache.get(12)).toBeUndefined();
    expect(cache.get(11)).toEqual({ stored: bytesOf(11), name: false });
    expect(cache.get(13)).toEqual({ stored: bytesOf(13), name: false });
    expect(cache.get(14)).toEqual({ stored: bytesOf(14), name: false });
  });

  it("refuses a vector of another size, and with no room holds nothing", () => {
    expect(() => new WordVectorCache(5, 4, 5).put(0, new Uint8Array(3), false)).toThrow(/3 bytes, not 4/);
    const empty = new WordVectorCache(5, 4, 0);
    empty.put(1, bytesOf(1), false);
    expect(empty.get(1)).toBeUndefined();
    expect(empty.size).toBe(0);
  });
});
