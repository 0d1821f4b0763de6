import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";
import { scopedArticleId } from "../src/corpus/loadCorpus.js";
import { TREATY_CORPUS } from "./helpers.js";

const A = "111111111111111111";
const B = "222222222222222222";

let env: Record<string, string>;
let dir: string;

/** Runs `npm run ask -- …`'s script in a child process on the temp corpus and index. */
function ask(args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/ask.ts", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: "silent", ...env }, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-scopes-cli-"));
  const corpus = join(dir, "corpus");
  await cp(TREATY_CORPUS, corpus, { recursive: true });
  await mkdir(join(corpus, "servers", A), { recursive: true });
  await writeFile(
    join(corpus, "servers", A, "harbour.md"),
    `---\nid: a-harbour-accord\ntitle: "Snargleton pact"\noutlet: "Vextoria Gazette"\npublished: "2025-02-03"\n---\nOttoline Fairweatherby signed the Zorblaxian harbour accord in Quillamont on Monday, ending years of frumbleworth disputes over fishing rights.\nThe accord gives Quillamont control of the northern frumbleworth quays for thirty years, Fairweatherby told reporters.\n`,
  );
  env = { CORPUS_DIR: corpus, INDEX_DIR: join(dir, "index"), FEEDBACK_DIR: join(dir, "feedback") };
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const QUESTION = "What did Ottoline Fairweatherby sign in Quillamont?";

describe("npm run ask --server", () => {
  it("asks as a server would: its own articles from it, nothing of them from another server or without --server", () => {
    const fromA = ask(["--json", "--server", A, QUESTION]);
    expect(fromA.code).toBe(0);
    expect(JSON.parse(fromA.stdout).results[0].source.id).toBe(scopedArticleId("a-harbour-accord", A));
    for (const args of [["--server", B], []]) {
      const other = ask(["--json", ...args, QUESTION]);
      expect(other.code).toBe(0);
      const answer = JSON.parse(other.stdout);
      expect(other.stdout).not.toMatch(/a-harbour-accord|Fairweatherby signed/);
      expect(answer.unmentioned).toEqual(expect.arrayContaining(["Ottoline", "Fairweatherby", "Quillamont"]));
    }
  }, 120_000);

  it("lists that server's scope with sources --server, counted in it alone", () => {
    const fromB = ask(["--sources", "--json", "--server", B]);
    expect(fromB.code).toBe(0);
    const listing = JSON.parse(fromB.stdout);
    expect(listing.articles).toBe(6);
    expect(fromB.stdout).not.toContain("Snargleton");
    const fromA = JSON.parse(ask(["--sources", "--json", "--server", A]).stdout);
    expect(fromA.articles).toBe(7);
  }, 60_000);

  it.each([
    [["--server", "my-server"], /is not a server's guild id: that is a number of 17 to 20 digits/],
    [["--outlet", "Vextoria Gazette"], /No article here is from “Vextoria Gazette”: the outlets here are DW, Los Angeles Times, Voice of America/],
    [["--since", "the day after tomorrow"], /Cannot read since "the day after tomorrow" as a date: write it like 2025-01-17, jan 2025/],
    [["--since", "feb 2025", "--until", "jan 2025"], /back to front: since 2025-02-01 is after until 2025-01-31/],
  ])("refuses %j with exit code 2 and the JSON error shape", (args, message) => {
    const { code, stdout } = ask(["--json", ...args, "who signed the treaty"]);
    expect(code).toBe(2);
    const error = JSON.parse(stdout);
    expect(Object.keys(error)).toEqual(["question", "error"]);
    expect(error.error).toMatch(message);
  }, 60_000);

  it("narrows to an outlet and dates", () => {
    const { code, stdout } = ask(["--json", "--outlet", "voice of america", "--since", "jan 2025", "--until", "2025", "who signed the treaty"]);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer.results.length).toBeGreaterThan(0);
    for (const quote of answer.results) expect(quote.source.outlet).toBe("Voice of America");
  }, 60_000);
});
