import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveIndex } from "../src/app/liveIndex.js";
import { buildConfiguredIndex, openRetriever } from "../src/app/open.js";
import { runConsole } from "../src/cli/console.js";
import { createLogger } from "../src/log.js";
import { tempDir, testConfig, TREATY_CORPUS } from "./helpers.js";

const MUTUAL_DEFENCE = "does the treaty include mutual defence";

/** Runs the console over `lines` on a live index of `config`, returning what it printed. */
async function converse(config: ReturnType<typeof testConfig>, lines: string): Promise<string> {
  const logger = createLogger("silent");
  const index = new LiveIndex(await openRetriever(config, logger), config.INDEX_DIR, logger);
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk) => (printed += String(chunk)));
  const done = runConsole(index, input, output, "");
  input.end(lines);
  await done;
  return printed;
}

describe("the local console", () => {
  it("prints an article's control sequences as symbols", async () => {
    const corpusDir = await tempDir("verbatim-corpus-");
    await writeFile(join(corpusDir, "odd.md"), "---\nid: odd\ntitle: Odd \u001b]0;pwned\u0007\noutlet: Wire\n---\nThe ferry to the island \u001b[2Jruns twice a day in summer.\n");
    const config = testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: await tempDir("verbatim-index-") });
    const printed = await converse(config, "/ask when does the ferry run\n/sources\n");
    expect(printed).toContain("island ␛[2Jruns twice");
    expect(printed).not.toMatch(/[\u001b\u0007]/);
  });
});

describe("the local console on the treaty articles", () => {
  let config: ReturnType<typeof testConfig>;
  let shared: string;
  beforeAll(async () => {
    // Made here, not with tempDir (emptied after each test): the tests share this index.
    shared = await mkdtemp(join(tmpdir(), "verbatim-console-"));
    await cp(TREATY_CORPUS, join(shared, "corpus"), { recursive: true });
    config = testConfig({ CORPUS_DIR: join(shared, "corpus"), INDEX_DIR: join(shared, "index") });
    await buildConfiguredIndex(config);
  });
  afterAll(() => rm(shared, { recursive: true, force: true }));

  it("answers /ask, more and /sources with the bot's words", async () => {
    const printed = await converse(config, `/ask ${MUTUAL_DEFENCE}\nmore\n/sources\n/ask\nhello\n`);
    expect(printed).toMatch(/1\. “[^”]*(not expected to include a mutual defense clause|will not assist the aggressor)/);
    expect(printed).toContain("Quotes 5–");
    expect(printed).toContain("Articles I have read");
    expect(printed).toContain("The question is empty");
    expect(printed).toContain('Unknown command "hello"');
  });
});
