import { describe, expect, it } from "vitest";
import { tokeniseSentences } from "../src/index/tokenise.js";
import { buildPassages } from "../src/passages/passages.js";

describe("tokenising the corpus", () => {
  it("finds the names from how the corpus writes them inside sentences (not first, not in a heading in capitals)", () => {
    const body = "Talks in Kyiv ended. Kyiv said it would wait. Moscow agreed with Kyiv. Envoys of the Kremlin side spoke. The attack came at night. Attack drones flew.\n\nA NIGHT ATTACK ON THE CITY.";
    const passages = buildPassages("a", body);
    const { names } = tokeniseSentences(passages, new Map([["a", body]]));
    expect([...names].sort()).toEqual(["kremlin", "kyiv"]);
  });
});
