import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Passage } from "../passages/passages.js";
import { BUILD_FILES } from "./layout.js";
import { ownBuffer } from "./ownBuffer.js";

/**
 * The content terms of every passage sentence, as vocabulary row ids, worked out at build time so
 * a question does not tokenise and stem its candidates again. Stored as `sentence-terms.bin`:
 * the sentence count n (uint32), n + 1 offsets (uint32), then the ids (int32), sentences in
 * passage order.
 */
export class SentenceTerms {
  /** Index of each passage's first sentence. */
  private readonly first: Uint32Array;

  constructor(
    private readonly offsets: Uint32Array,
    private readonly ids: Int32Array,
    passages: readonly Passage[],
  ) {
    this.first = new Uint32Array(passages.length + 1);
    passages.forEach((passage, i) => (this.first[i + 1] = this.first[i]! + passage.sentences.length));
    if (this.first[passages.length] !== offsets.length - 1) throw new Error(`${BUILD_FILES.sentenceTerms} does not match ${BUILD_FILES.passages}`);
  }

  /** The term ids of sentence `k` of passage `passage`. */
  of(passage: number, k: number): Int32Array {
    const sentence = this.first[passage]! + k;
    return this.ids.subarray(this.offsets[sentence]!, this.offsets[sentence + 1]!);
  }

  /** Writes `sentence-terms.bin` into a build folder. */
  async write(folder: string): Promise<void> {
    const header = Uint32Array.of(this.offsets.length - 1);
    await writeFile(join(folder, BUILD_FILES.sentenceTerms), Buffer.concat([Buffer.from(header.buffer), Buffer.from(this.offsets.buffer, this.offsets.byteOffset, this.offsets.byteLength), Buffer.from(this.ids.buffer, this.ids.byteOffset, this.ids.byteLength)]));
  }

  /** Parses `sentence-terms.bin`'s bytes; throws if they are malformed or do not match the passages. */
  static fromBytes(bytes: Uint8Array, passages: readonly Passage[], vocabularySize: number): SentenceTerms {
    const copy = new Uint8Array(ownBuffer(bytes));
    if (copy.byteLength < 4) throw new Error(`${BUILD_FILES.sentenceTerms} is truncated`);
    const count = new Uint32Array(copy.buffer, 0, 1)[0]!;
    const offsetBytes = (count + 1) * 4;
    if (copy.byteLength < 4 + offsetBytes) throw new Error(`${BUILD_FILES.sentenceTerms} is truncated`);
    const offsets = new Uint32Array(copy.buffer, 4, count + 1);
    const idBytes = copy.byteLength - 4 - offsetBytes;
    if (idBytes !== offsets[count]! * 4) throw new Error(`${BUILD_FILES.sentenceTerms} is truncated`);
    const ids = new Int32Array(copy.buffer, 4 + offsetBytes, offsets[count]!);
    for (let i = 0; i < ids.length; i++) {
      if (ids[i]! < 0 || ids[i]! >= vocabularySize) throw new Error(`${BUILD_FILES.sentenceTerms} names a term the vocabulary does not have`);
    }
    return new SentenceTerms(offsets, ids, passages);
  }
}
