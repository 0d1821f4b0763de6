import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

/** Reads a gzip-compressed JSON Lines file (the shared datasets' format) into records. */
export async function readJsonLines<T>(path: string): Promise<T[]> {
  const records: T[] = [];
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== "") records.push(JSON.parse(line) as T);
  return records;
}
