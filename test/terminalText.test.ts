import fc from "fast-check";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { openRetriever } from "../src/app.js";
import { runConsole } from "../src/bot/console.js";
import { LiveIndex } from "../src/bot/service.js";
import { terminalSafe } from "../src/cli/terminalText.js";
import { createLogger } from "../src/log.js";
import { tempDir, testConfig } from "./helpers.js";

describe("text for a terminal", () => {
  it("shows escape sequences, carriage returns and C1 controls as symbols, keeping tabs and newlines", () => {
    expect(terminalSafe("a\u001b[2Jb\rc\td\ne\u007ff\u009b31mg")).toBe("a␛[2Jb␍c\td\ne␡f\uFFFD31mg");
  });

  it("drops bidirectional overrides", () => {
    expect(terminalSafe("file\u202Etxt.exe")).toBe("filetxt.exe");
  });

  it("leaves no control character but tab and newline, for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        expect(terminalSafe(text)).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the local console", () => {
  it("prints an article's control sequences as symbols", async () => {
    const corpusDir = await tempDir("verbatim-corpus-");
    await writeFile(join(corpusDir, "odd.md"), "---\nid: odd\ntitle: Odd \u001b]0;pwned\u0007\noutlet: Wire\n---\nThe ferry to the island \u001b[2Jruns twice a day in summer.\n");
    const config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: await tempDir("verbatim-index-") });
    const index = new LiveIndex(await openRetriever(config, createLogger("silent")), config.INDEX_DIR, createLogger("silent"));
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk) => (printed += String(chunk)));
    const done = runConsole(index, input, output, "");
    input.end("/ask when does the ferry run\n/sources\n");
    await done;
    expect(printed).toContain("island ␛[2Jruns twice");
    expect(printed).not.toMatch(/[\u001b\u0007]/);
  });
});
