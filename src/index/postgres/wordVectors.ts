/**
 * The word vectors a PostgreSQL store's process keeps between questions, as stored (a float32
 * scale and one int8 per dimension: vocabulary.ts's quantizedRow), in one block of memory: a slot
 * per term, numbered as the build numbers its terms. Up to `capacity` terms every term keeps its
 * slot; beyond it a new term takes the slot of one not used lately (the clock algorithm: each slot
 * has a "used since the hand last passed" bit, and the hand gives a second chance to those that
 * have it).
 *
 * Written by hand: a Map as an LRU list (delete and set on every use) cost 4.5 ms a question at
 * 10,000 articles (2,000 terms touched in a map of 71,000, whose deleted entries its iterator then
 * walks past), and held a small buffer object per term; this is a few array reads.
 */
export class WordVectorCache {
  private readonly slotOf: Int32Array;
  private readonly termAt: Int32Array;
  private readonly block: Uint8Array;
  private readonly names: Uint8Array;
  private readonly used: Uint8Array;
  private filled = 0;
  private hand = 0;
  readonly capacity: number;

  /** A cache for a build of `terms` terms, each stored in `stride` bytes, holding at most `capacity` of them. */
  constructor(
    terms: number,
    readonly stride: number,
    capacity: number,
  ) {
    this.capacity = Math.max(0, Math.min(terms, capacity));
    this.slotOf = new Int32Array(terms).fill(-1);
    this.termAt = new Int32Array(this.capacity).fill(-1);
    this.block = new Uint8Array(this.capacity * stride);
    this.names = new Uint8Array(this.capacity);
    this.used = new Uint8Array(this.capacity);
  }

  /** How many terms it holds. */
  get size(): number {
    return this.filled;
  }

  /** The term's stored vector and whether it is a name, or undefined when not held; marks it used. */
  get(term: number): { stored: Uint8Array; name: boolean } | undefined {
    const slot = this.slotOf[term] ?? -1;
    if (slot < 0) return undefined;
    this.used[slot] = 1;
    return { stored: this.block.subarray(slot * this.stride, (slot + 1) * this.stride), name: this.names[slot] === 1 };
  }

  /** Holds a term's stored vector (copied), in a free slot or else in that of a term not used lately. */
  put(term: number, stored: Uint8Array, name: boolean): void {
    if (stored.length !== this.stride) throw new Error(`a stored word vector is ${stored.length} bytes, not ${this.stride}`);
    if (this.capacity === 0) return;
    let slot = this.slotOf[term]!;
    if (slot < 0) {
      if (this.filled < this.capacity) slot = this.filled++;
      else {
        while (this.used[this.hand] === 1) {
          this.used[this.hand] = 0;
          this.hand = (this.hand + 1) % this.capacity;
        }
        slot = this.hand;
        this.hand = (this.hand + 1) % this.capacity;
        this.slotOf[this.termAt[slot]!] = -1;
      }
      this.termAt[slot] = term;
      this.slotOf[term] = slot;
    }
    this.block.set(stored, slot * this.stride);
    this.names[slot] = name ? 1 : 0;
    this.used[slot] = 1;
  }
}
