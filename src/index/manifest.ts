import { createHash } from "node:crypto";
import { z } from "zod";

/** Bumped when the stored layout or the way text becomes terms changes; an index of another version is rebuilt. */
export const INDEX_FORMAT_VERSION = 9;

const manifestSchema = z.object({
  formatVersion: z.number().int(),
  buildId: z.string(),
  model: z.object({ id: z.string(), key: z.string(), dimensions: z.number().int().positive() }),
  passageSettings: z.object({ maxSentences: z.number().int().positive(), maxChars: z.number().int().positive() }),
  builtAt: z.string(),
  counts: z.object({ articles: z.number().int().nonnegative(), passages: z.number().int().nonnegative() }),
  articles: z.record(z.string(), z.object({ hash: z.string(), file: z.string(), passages: z.number().int().nonnegative() })),
  /** sha256 of each data file of the build: loading refuses a build whose files do not match. */
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$|^missing$/)),
});

/** What an index was built from and with: `manifest.json` of a build folder. */
export type Manifest = z.infer<typeof manifestSchema>;

/** A manifest.json that cannot be trusted: not JSON, wrong shape, or not matching its own checksum. */
export class ManifestError extends Error {
  constructor(problem: string) {
    super(`manifest.json ${problem}`);
    this.name = "ManifestError";
  }
}

/** A manifest of another index format: the build was made by another version of Verbatim. */
export class ManifestFormatError extends ManifestError {
  constructor(readonly formatVersion: unknown) {
    super(`is of index format ${String(formatVersion)}, and this version of Verbatim reads ${INDEX_FORMAT_VERSION}`);
    this.name = "ManifestFormatError";
  }
}

/** sha256, hex, of bytes or text. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The checksum a manifest carries of itself: sha256 of its fields as compact JSON, in order. */
function selfChecksum(fields: object): string {
  return sha256Hex(JSON.stringify(fields));
}

/**
 * `manifest.json`'s text: the manifest plus `checksum`, a sha256 of the rest, so that a damaged
 * manifest (a changed model id, article count or file checksum) is refused like a damaged data file.
 */
export function serializeManifest(manifest: Manifest): string {
  return JSON.stringify({ ...manifest, checksum: selfChecksum(manifest) }, null, 2);
}

/** Parses and verifies `manifest.json`'s text; throws ManifestError naming the first problem. */
export function parseManifestText(text: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ManifestError("is not valid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new ManifestError("is not an object");
  const { checksum, ...fields } = data as Record<string, unknown>;
  if (fields.formatVersion !== INDEX_FORMAT_VERSION && typeof fields.formatVersion === "number") throw new ManifestFormatError(fields.formatVersion);
  if (typeof checksum !== "string") throw new ManifestError("has no checksum");
  // JSON.parse keeps the written key order, so the fields serialise exactly as they were hashed.
  if (selfChecksum(fields) !== checksum) throw new ManifestError("does not match its checksum");
  const parsed = manifestSchema.safeParse(fields);
  if (!parsed.success) throw new ManifestError(`${parsed.error.issues[0]!.path.join(".")} ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** A manifest stored as data rather than as a file (the PostgreSQL store's): of this index format, and of the right shape. */
export function parseManifestFields(data: unknown): Manifest {
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new ManifestError("is not an object");
  const { formatVersion } = data as Record<string, unknown>;
  if (formatVersion !== INDEX_FORMAT_VERSION) throw new ManifestFormatError(formatVersion);
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) throw new ManifestError(`${parsed.error.issues[0]!.path.join(".")} ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
