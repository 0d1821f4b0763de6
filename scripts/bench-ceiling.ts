/**
 * `npm run bench -- --ceiling`: where vectra's index stops loading. vectra keeps its whole index in
 * one `index.json` and reads it with readFile + toString + JSON.parse, so the file cannot exceed
 * V8's longest string (2^29 − 24 characters on 64-bit Node). This writes vectra-format indexes of
 * 100-dimension items (6 decimals, as the build writes them) just under and just over that size
 * and asks vectra to load each. Prints one JSON line.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { random } from "./bench-corpus.js";

const V8_MAX_STRING = 2 ** 29 - 24;

function item(i: number, rand: () => number): string {
  const vector = Array.from({ length: 100 }, () => Math.round((rand() * 0.2 - 0.1) * 1e6) / 1e6);
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  return JSON.stringify({ id: `bench-${String(Math.floor(i / 18)).padStart(6, "0")}#${i % 18}`, metadata: { articleId: `bench-${String(Math.floor(i / 18)).padStart(6, "0")}` }, vector, norm });
}

async function writeIndex(dir: string, items: number): Promise<number> {
  await mkdir(dir, { recursive: true });
  const out = createWriteStream(join(dir, "index.json"));
  const rand = random(7);
  out.write('{"version":1,"metadata_config":{},"items":[');
  for (let i = 0; i < items; i++) if (!out.write((i > 0 ? "," : "") + item(i, rand))) await once(out, "drain");
  out.end("]}");
  await finished(out);
  return (await stat(join(dir, "index.json"))).size;
}

async function tryLoad(dir: string): Promise<string | undefined> {
  const { LocalIndex } = await import("vectra");
  try {
    const items = await new LocalIndex(dir).listItems();
    return items.length > 0 ? undefined : "loaded no items";
  } catch (error) {
    return (error as Error).message;
  }
}

export async function vectraCeiling(): Promise<{ itemBytes: number; loadedItems: number; loadedBytes: number; failedItems: number; failedBytes: number; error: string | undefined }> {
  const rand = random(7);
  const itemBytes = Math.round(Array.from({ length: 200 }, (_, i) => item(i, rand).length + 1).reduce((a, b) => a + b) / 200);
  const below = Math.floor((V8_MAX_STRING * 0.98) / itemBytes);
  const above = Math.ceil((V8_MAX_STRING * 1.02) / itemBytes);
  const root = await mkdtemp(join(tmpdir(), "verbatim-ceiling-"));
  try {
    const loadedBytes = await writeIndex(join(root, "below"), below);
    const belowError = await tryLoad(join(root, "below"));
    if (belowError) throw new Error(`vectra could not load ${below} items either: ${belowError}`);
    await rm(join(root, "below"), { recursive: true, force: true });
    const failedBytes = await writeIndex(join(root, "above"), above);
    const error = await tryLoad(join(root, "above"));
    return { itemBytes, loadedItems: below, loadedBytes, failedItems: above, failedBytes, error };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
