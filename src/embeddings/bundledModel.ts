import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** GloVe 6B 100-d with SIF weights, built by `npm run build:model`. */
export const GLOVE_MODEL_ID = "verbatim-glove-sif-100d";
/** Trained here from GloVe-SIF on SQuAD and WordNet by `npm run train:model`. */
export const TRAINED_MODEL_ID = "verbatim-static-squad-100d";
/** The offline models this project ships in `model/`, each with its checksums. */
export const BUNDLED_MODEL_IDS: readonly string[] = [GLOVE_MODEL_ID, TRAINED_MODEL_ID];
/** The model used unless EMBEDDING_MODEL names another: the trained one, which measured better (README, "The bundled model"). */
export const BUNDLED_MODEL_ID = TRAINED_MODEL_ID;

/** Whether a model id names one of the models shipped in `model/` (never downloaded). */
export function isBundledModel(id: string): boolean {
  return BUNDLED_MODEL_IDS.includes(id);
}

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
export async function verifyBundledModel(modelsDir: string = BUNDLED_MODELS_DIR, id: string = BUNDLED_MODEL_ID): Promise<void> {
  const folder = join(modelsDir, id);
  const rebuild = id === TRAINED_MODEL_ID ? "npm run train:model" : "npm run build:model";
  let expected: Record<string, string>;
  try {
    expected = JSON.parse(await readFile(join(folder, MODEL_FILES.checksums), "utf8")) as Record<string, string>;
  } catch (error) {
    throw new Error(`The bundled model is missing or unreadable at ${folder}: restore it with \`git checkout -- model\` or rebuild it with \`${rebuild}\`.`, { cause: error });
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
      throw new Error(`The bundled model file ${file} is damaged (sha256 ${actual.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…): restore it with \`git checkout -- model\` or rebuild it with \`${rebuild}\`.`);
    }
  }
}
