import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";
import { BUNDLED_MODEL_ID } from "../src/embeddings/bundledModel.js";
import { copyOfTreatyCorpus, tempDir } from "./helpers.js";

/** Runs `npm run ask -- …`'s script in a child process on a temp index. */
function ask(args: string[], env: Record<string, string>, input?: string) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/ask.ts", ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function folders() {
  return { CORPUS_DIR: await copyOfTreatyCorpus(), INDEX_DIR: join(await tempDir(), "index") };
}

describe("npm run ask", () => {
  it("builds the index on first use, then prints exactly one JSON answer on stdout", async () => {
    const env = await folders();
    const { code, stdout, stderr } = ask(["--json", "does the treaty include mutual defence"], env);
    expect(code).toBe(0);
    expect(stderr).toMatch(/no index yet/);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0]!);
    expect(Object.keys(answer)).toEqual(["question", "answered", "results"]);
    expect(answer.answered).toBe(true);
    expect(answer.results.length).toBeGreaterThanOrEqual(3);
    for (const result of answer.results) {
      expect(Object.keys(result).sort()).toEqual(["alsoReportedBy", "end", "focus", "offsetsIn", "quote", "score", "source", "start"]);
      expect(Object.keys(result.source)).toEqual(["id", "title", "outlet", "published", "url"]);
    }
  });

  it("answers questions from stdin one JSON line each, in order", async () => {
    const env = await folders();
    const questions = ["who signed the treaty", "How tall is Mount Everest?", "what did Peskov say"];
    const { code, stdout } = ask(["--json"], env, questions.join("\n") + "\n");
    expect(code).toBe(0);
    const answers = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(answers.map((answer) => answer.question)).toEqual(questions);
    expect(answers[1].answered).toBe(false);
  });

  it("keeps stdin's blank and bad lines in step: each gets an error object, and the exit code says so", async () => {
    const env = await folders();
    const { code, stdout } = ask(["--json"], env, `who signed the treaty\n\n${"x".repeat(301)}\nwhat did Peskov say\n`);
    expect(code).toBe(2);
    const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    expect(lines[0].answered).toBe(true);
    expect(lines[1]).toEqual({ question: "", error: expect.stringMatching(/empty/i) });
    expect(Object.keys(lines[2])).toEqual(["question", "error"]);
    expect(lines[3].question).toBe("what did Peskov say");
  });

  it("prints a readable answer with quotes and attribution", async () => {
    const env = await folders();
    const { code, stdout } = ask(["how long will the treaty last"], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Q: how long will the treaty last/);
    expect(stdout).toMatch(/1\. “.*20.year/);
    expect(stdout).toMatch(/— .* · (Voice of America|Los Angeles Times|outlet not stated)/);
  });

  it("lists the sources with the model and build time", async () => {
    const env = await folders();
    const { code, stdout } = ask(["--sources"], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^6 articles, \d+ passages/);
    expect(stdout).toContain(`model ${BUNDLED_MODEL_ID}`);
    expect(stdout).toMatch(/2025-01-17 +Voice of America +\d+ passages +Iranian president in Moscow/);
  });

  it.each([
    [["   "], /question is empty|No question given/],
    [["x".repeat(301)], /301 characters long; the limit is 300/],
    [["--bogus", "q"], /^unknown option --bogus\n/],
  ])("exits 2 with a clear message for a bad question %#", async (args, message) => {
    const env = await folders();
    const { code, stderr, stdout } = ask(args, env);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe("");
  });

  it("shows an article's terminal control sequences as symbols on the terminal, and exactly in --json", async () => {
    const corpus = await tempDir("verbatim-corpus-");
    await writeFile(join(corpus, "odd.md"), "---\nid: odd\ntitle: Odd\noutlet: Wire\n---\nThe ferry to the island \u001b[2Jruns twice a day in summer.\n");
    const env = { CORPUS_DIR: corpus, INDEX_DIR: join(await tempDir(), "index") };
    const human = ask(["when does the ferry run"], env);
    expect(human.code).toBe(0);
    expect(human.stdout).not.toMatch(/\u001b/);
    expect(human.stdout).toContain("island ␛[2Jruns twice");
    const json = ask(["--json", "when does the ferry run"], env);
    expect(JSON.parse(json.stdout).results[0].quote).toContain("island \u001b[2Jruns twice");
  });
});

describe("npm run ask: --json, pages and mistakes", () => {
  it("prints a JSON error object, not text, for a question that cannot be asked with --json", async () => {
    const env = await folders();
    for (const args of [["--json", ""], ["--json", "   "], ["--json", "--limit", "0", "who signed"], ["--json", "x".repeat(301)]]) {
      const { code, stdout, stderr } = ask(args, env);
      expect(code).toBe(2);
      expect(stderr).toBe("");
      expect(Object.keys(JSON.parse(stdout))).toEqual(["question", "error"]);
    }
    expect(JSON.parse(ask(["--json", ""], env).stdout)).toEqual({ question: "", error: "No question given: put the question after the command, in quotation marks." });
  });

  it("suggests the flag meant for a mistyped one, instead of Node's parser error", () => {
    const { code, stdout, stderr } = ask(["--jsn", "who signed"], {});
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^unknown option --jsn \(did you mean --json\?\)\nUsage:/);
    expect(stderr).not.toContain("positional argument");
    expect(ask(["--limt", "3", "q"], {}).stderr).toMatch(/^unknown option --limt \(did you mean --limit\?\)/);
    expect(ask(["--zzzzzz", "q"], {}).stderr).toMatch(/^unknown option --zzzzzz\n/);
    expect(ask(["--limit"], {}).stderr).toMatch(/^option --limit needs a value\n/);
  });

  it("lists the sources as JSON with --json, and one page of them when a page is given", async () => {
    const corpus = await tempDir("verbatim-corpus-");
    for (let i = 1; i <= 12; i++) await writeFile(join(corpus, `a${String(i).padStart(2, "0")}.md`), `---\ntitle: Ferry timetable ${i}\noutlet: Island Post\npublished: 2026-01-${String(i).padStart(2, "0")}\n---\nThe ferry number ${i} leaves the harbour at dawn every day of the week.\n`);
    const env = { CORPUS_DIR: corpus, INDEX_DIR: join(await tempDir(), "index") };
    const json = ask(["--sources", "--json"], env);
    expect(json.code).toBe(0);
    const all = JSON.parse(json.stdout);
    expect(all).toMatchObject({ articles: 12, model: BUNDLED_MODEL_ID });
    expect(all.sources.map((source: { title: string }) => source.title).slice(0, 2)).toEqual(["Ferry timetable 12", "Ferry timetable 11"]);
    expect(Object.keys(all.sources[0])).toEqual(["id", "title", "outlet", "published", "url", "passages"]);
    const second = ask(["--sources", "2"], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Ferry timetable 2\n.*Ferry timetable 1\n\npage 2 of 2\n$/);
    expect(second.stdout).not.toContain("Ferry timetable 3");
    expect(JSON.parse(ask(["--sources", "--json", "2"], env).stdout)).toMatchObject({ page: 2, pages: 2, sources: [{ title: "Ferry timetable 2" }, { title: "Ferry timetable 1" }] });
    const past = ask(["--sources", "3"], env);
    expect(past.code).toBe(2);
    expect(past.stderr).toBe("There are only 2 pages of sources: try verbatim sources 2.\n");
  });
});

describe("every --json mode", () => {
  const run = (script: string, args: string[], env: Record<string, string>) => spawnSync(process.execPath, ["--import", "tsx", `src/cli/${script}.ts`, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });

  it("prints its errors as JSON on stdout", async () => {
    const file = join(await tempDir("verbatim-feedback-"), "a-file");
    await writeFile(file, "");
    const feedback = run("feedback", ["--json"], { FEEDBACK_DIR: join(file, "feedback") });
    expect(feedback.status).toBe(1);
    expect(JSON.parse(feedback.stdout).error).toMatch(/^Cannot read the feedback in /);
    const add = run("add", ["--json"], { FEEDS: "" });
    expect(add.status).toBe(2);
    expect(JSON.parse(add.stdout).error).toMatch(/^No address given and FEEDS is empty/);
    const typo = run("feedback", ["--json", "--bogus"], {});
    expect(typo.status).toBe(2);
    expect(JSON.parse(typo.stdout)).toEqual({ error: "unknown option --bogus" });
  });
});

describe("the verbatim command, compiled", () => {
  // The package as `npm run build` leaves it, in a folder of its own (not a git checkout, so
  // bin/verbatim.js runs dist/ as it is): the compiled JavaScript with plain Node, no tsx.
  let install: string;
  beforeAll(async () => {
    install = await mkdtemp(join(tmpdir(), "verbatim-install-"));
    // Types are checked by `npm test`'s tsc --noEmit; here only the JavaScript is wanted.
    execFileSync(process.execPath, [createRequire(import.meta.url).resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", join(install, "dist"), "--noCheck", "--incremental", "false"], { cwd: PROJECT_ROOT });
    await cp(join(PROJECT_ROOT, "bin"), join(install, "bin"), { recursive: true });
    await cp(join(PROJECT_ROOT, "package.json"), join(install, "package.json"));
    for (const folder of ["node_modules", "model"]) await symlink(join(PROJECT_ROOT, folder), join(install, folder));
  }, 120_000);
  afterAll(async () => {
    if (install) await rm(install, { recursive: true, force: true });
  });

  const verbatim = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [join(install, "bin", "verbatim.js"), ...args], { cwd: install, env: { ...process.env, LOG_LEVEL: "info", ...env }, encoding: "utf8", timeout: 60_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  const commands = ["ask", "sources", "index", "add", "start", "register", "eval", "feedback", "health"];
  const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };

  it.each(commands)("prints the usage of `%s --help` on stdout, as verbatim commands with the npm script that runs the same, and exits 0", (command) => {
    const { code, stdout } = verbatim([command, "--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage:/);
    // eval's usage is the evaluation's own.
    if (command === "eval") return;
    expect(stdout).toMatch(new RegExp(`^  verbatim ${command}\\b`, "m"));
    expect(stdout).toMatch(/^From a clone: `npx verbatim .*`npm (start|run -s \w+) -- …`/m);
    expect(stdout).not.toMatch(/^  npm /m);
  });

  it("documents --limit and --json in ask's usage", () => {
    const { stdout } = verbatim(["ask", "--help"]);
    expect(stdout).toMatch(/^  --limit N +how many quotes at most \(1–25, default 4\)$/m);
    expect(stdout).toMatch(/^  --json +print JSON on stdout, errors included$/m);
  });

  it.each(["", ...commands])("prints the version for `verbatim %s --version`", (command) => {
    const { code, stdout } = verbatim([...(command ? [command] : []), "--version"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });

  it("names its commands, and refuses an unknown one with exit code 2", () => {
    const help = verbatim(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/ask .*\n.*sources .*\n.*index .*\n.*add /);
    const unknown = verbatim(["asks"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "asks"/);
  });

  it("writes only JSON on stdout with --json, logs on stderr", async () => {
    const env = await folders();
    const { code, stdout, stderr } = verbatim(["ask", "--json", "who signed the treaty"], env);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).answered).toBe(true);
    expect(stderr).toMatch(/no index yet/);
    const sources = verbatim(["sources"], env);
    expect(sources.code).toBe(0);
    expect(sources.stdout).toMatch(/Voice of America/);
  });
});
