import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256Hex } from "../index/manifest.js";
import { LEARNED_MODELS_VERSION, parseLearnedModels, type LearnedModels } from "./rankingModel.js";

/** Where `npm run train:ranker` writes the learned ranking and refusal. */
export const RANKER_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "model", "ranker");

/** The learned models, or why they are not used. */
export type ShippedModels = { models: LearnedModels } | { models: undefined; reason: string };

/**
 * Loads `model/ranker/ranker.json` after checking it against `checksums.json`. They are used only
 * with the embedding model they were trained with (their features include its similarities);
 * otherwise, or when there is no file, the hand-tuned ranking is used and the reason returned.
 */
export async function loadShippedModels(embedderKey: string, dir: string = RANKER_DIR): Promise<ShippedModels> {
  let text: string;
  let sums: Record<string, string>;
  try {
    [text, sums] = await Promise.all([readFile(join(dir, "ranker.json"), "utf8"), readFile(join(dir, "checksums.json"), "utf8").then((raw) => JSON.parse(raw) as Record<string, string>)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { models: undefined, reason: `no learned ranking in ${dir} (run \`npm run train:ranker\`)` };
    throw error;
  }
  if (sha256Hex(text) !== sums["ranker.json"]) {
    throw new Error(`The learned ranking ${join(dir, "ranker.json")} does not match its checksum: restore it with \`git checkout -- model\` or retrain it with \`npm run train:ranker\`.`);
  }
  const data = JSON.parse(text) as { version?: unknown };
  if (data.version !== LEARNED_MODELS_VERSION) return { models: undefined, reason: `the learned ranking in ${dir} is of format ${String(data.version)}, and this version of Verbatim reads ${LEARNED_MODELS_VERSION}: retrain it with \`npm run train:ranker\`` };
  const models = parseLearnedModels(data);
  const trainedWith = models.trainedOn.embeddingModelKey;
  if (trainedWith !== embedderKey) return { models: undefined, reason: `the learned ranking was trained with the embedding model ${String(trainedWith)}, not ${embedderKey}: using the hand-tuned ranking` };
  return { models };
}
