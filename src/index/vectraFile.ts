import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import type { Passage } from "../passages/passages.js";
import type { VectorMetadata } from "./snapshot.js";

/** Digits kept of each vector component in vectra's JSON: float32 carries about 7, and 6 halves the file. */
export const VECTOR_DECIMALS = 6;

/**
 * Writes a vectra LocalIndex folder (`index.json`: version, metadata_config, items of id, metadata,
 * vector and norm), exactly what vectra's createIndex + insertItem + endUpdate write, which vectra
 * then loads and queries. Written here, item by item to a stream, because vectra's insertItem
 * checks each id against every earlier item (quadratic: minutes at 100,000 passages) and its
 * endUpdate builds the whole file as one string (V8 caps strings near 512 MB).
 */
export async function writeVectraIndex(dir: string, passages: readonly Passage[], vectorRows: Float32Array, dimensions: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const scale = 10 ** VECTOR_DECIMALS;
  const out = createWriteStream(join(dir, "index.json"));
  const write = (chunk: string) => (out.write(chunk) ? undefined : once(out, "drain"));
  await write('{"version":1,"metadata_config":{},"items":[');
  for (let i = 0; i < passages.length; i++) {
    const passage = passages[i]!;
    const vector = Array.from(vectorRows.subarray(i * dimensions, (i + 1) * dimensions), (x) => Math.round(x * scale) / scale);
    const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
    const metadata: VectorMetadata = { articleId: passage.articleId };
    await write((i > 0 ? "," : "") + JSON.stringify({ id: passage.id, metadata, vector, norm }));
  }
  out.end("]}");
  await finished(out);
}

