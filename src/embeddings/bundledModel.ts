import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The id of the offline model this project ships and builds with `npm run build:model`. */
export const BUNDLED_MODEL_ID = "verbatim-glove-sif-100d";

/** Files of the bundled model folder, relative to it. */
export const MODEL_FILES = {
  onnx: "onnx/model.onnx",
  tokenizer: "tokenizer.json",
  tokenizerConfig: "tokenizer_config.json",
  config: "config.json",
  checksums: "checksums.json",
} as const;

/** The folder that holds bundled models (`<repo>/model`), used as Transformers.js `localModelPath`. */
export const BUNDLED_MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "model");

/** Throws, naming the file and the fix, unless every bundled model file matches its recorded sha256. */
export async function verifyBundledModel(modelsDir: string = BUNDLED_MODELS_DIR): Promise<void> {
  const folder = join(modelsDir, BUNDLED_MODEL_ID);
  let expected: Record<string, string>;
  try {
    expected = JSON.parse(await readFile(join(folder, MODEL_FILES.checksums), "utf8")) as Record<string, string>;
  } catch (error) {
    throw new Error(`The bundled model is missing or unreadable at ${folder}: restore it with \`git checkout -- model\` or rebuild it with \`npm run build:model\`.`, { cause: error });
  }
  for (const [file, sha256] of Object.entries(expected)) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(folder, file));
    } catch (error) {
      throw new Error(`The bundled model file ${file} is missing in ${folder}: restore it with \`git checkout -- model\`.`, { cause: error });
    }
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== sha256) {
      throw new Error(`The bundled model file ${file} is damaged (sha256 ${actual.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…): restore it with \`git checkout -- model\` or rebuild it with \`npm run build:model\`.`);
    }
  }
}
