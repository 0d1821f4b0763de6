import { z } from "zod";

/** Bumped when the stored layout changes; an index of another version is rebuilt. */
export const INDEX_FORMAT_VERSION = 6;

const manifestSchema = z.object({
  formatVersion: z.number().int(),
  buildId: z.string(),
  model: z.object({ id: z.string(), key: z.string(), dimensions: z.number().int().positive() }),
  passageSettings: z.object({ maxSentences: z.number().int().positive(), maxChars: z.number().int().positive() }),
  builtAt: z.string(),
  counts: z.object({ articles: z.number().int().nonnegative(), passages: z.number().int().nonnegative() }),
  articles: z.record(z.string(), z.object({ hash: z.string(), file: z.string(), passages: z.number().int().nonnegative() })),
  /** sha256 of each data file of the build, so damage is noticed before a no-change re-run skips it. */
  files: z.record(z.string(), z.string()),
});

/** What an index was built from and with: `manifest.json` of a build folder. */
export type Manifest = z.infer<typeof manifestSchema>;

/** Validates a parsed `manifest.json`; throws with the first problem. */
export function parseManifest(data: unknown): Manifest {
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) throw new Error(`manifest.json: ${parsed.error.issues[0]!.path.join(".")} ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
