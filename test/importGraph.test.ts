/**
 * The architecture, checked from the import graph of src/: the pipeline runs corpus → passages →
 * embeddings → index → retrieval → reply → app → bot → cli, and no import runs back up it.
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";

const SRC = join(PROJECT_ROOT, "src");

/**
 * Each stage's place in the pipeline: a module may import its own stage and earlier ones only.
 * evaluation grades the retriever's answers as reply shows them, so it sits beside reply.
 * config.ts is read once at start-up by the app and what runs it.
 */
const STAGES: Readonly<Record<string, number>> = {
  corpus: 0,
  passages: 1,
  embeddings: 2,
  index: 3,
  retrieval: 4,
  reply: 5,
  evaluation: 5,
  app: 6,
  "app.ts": 6,
  "config.ts": 6,
  bot: 7,
  cli: 8,
};
/** Shared by every stage (words, logging, the query stage clock); they import no stage themselves. */
const FOUNDATIONS = new Set(["text", "log.ts", "stageClock.ts"]);
/** Stages that must stay pure: data in, data out, no file, network or process access. */
const PURE = new Set(["reply"]);

/** The stage of a file under src/: its top-level folder, or its own name at the top. */
function stageOf(file: string): string {
  return relative(SRC, file).split(sep)[0]!;
}

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? sourceFiles(join(folder, entry.name)) : Promise.resolve(entry.name.endsWith(".ts") ? [join(folder, entry.name)] : []))));
  return nested.flat();
}

/**
 * The imports in `text` that load a module before the file runs: every import and re-export but
 * `import type` and `export type` (erased: verbatimModuleSyntax keeps `import { type A }` as an
 * import of the module), and no `import()`, which loads when it is reached.
 */
function staticSpecifiers(text: string): string[] {
  const file = ts.createSourceFile("module.ts", text, ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
  }
  return specifiers;
}

/** What loading `entry` loads before it runs: the src/ files its static imports reach, and the packages they name (`discord-api-types/v10` as `discord-api-types`). */
async function loadedBefore(entry: string): Promise<{ files: string[]; packages: Set<string> }> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticSpecifiers(await readFile(file, "utf8"))) {
      const to = target(file, specifier);
      if (to) await visit(to);
      else if (!specifier.startsWith("node:")) packages.add(specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"));
    }
  };
  await visit(entry);
  return { files: [...files].map((file) => relative(SRC, file)), packages };
}

/** Every import of every file under src/ (static, dynamic and type-only), as [from, specifier]. */
async function imports(): Promise<[string, string][]> {
  const edges: [string, string][] = [];
  for (const file of await sourceFiles(SRC)) {
    const info = ts.preProcessFile(await readFile(file, "utf8"), true, true);
    for (const imported of info.importedFiles) edges.push([file, imported.fileName]);
  }
  return edges;
}

/** The src/ file a relative specifier names, or undefined for a package or node: builtin. */
function target(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return resolve(dirname(from), specifier.replace(/\.js$/, ".ts"));
}

/** The imports among `edges` that run back up the pipeline, or from a foundation into a stage. */
function backEdges(edges: [string, string][]): string[] {
  const backwards: string[] = [];
  for (const [from, specifier] of edges) {
    const to = target(from, specifier);
    if (!to) continue;
    const [a, b] = [stageOf(from), stageOf(to)];
    if (FOUNDATIONS.has(b)) continue;
    if (FOUNDATIONS.has(a) || STAGES[b]! > STAGES[a]!) backwards.push(`${relative(SRC, from)} imports ${relative(SRC, to)}`);
  }
  return backwards;
}

describe("the import graph of src/", () => {
  it("places every folder and top-level file of src/ in a stage or among the shared foundations", async () => {
    const top = (await readdir(SRC)).filter((name) => !name.startsWith("."));
    expect(top.filter((name) => STAGES[name] === undefined && !FOUNDATIONS.has(name))).toEqual([]);
  });

  it("never runs back up the pipeline: an earlier stage imports no later one", async () => {
    expect(backEdges(await imports())).toEqual([]);
  });

  it("keeps the reply stage pure: none of its modules touches files, the network or the process", async () => {
    const impure = (await imports()).filter(([from, specifier]) => PURE.has(stageOf(from)) && specifier.startsWith("node:")).map(([from, specifier]) => `${relative(SRC, from)} imports ${specifier}`);
    expect(impure).toEqual([]);
  });

  it("finds the back edges it is there to find, and lets forward ones and packages through", () => {
    const file = (...path: string[]) => join(SRC, ...path);
    const edges: [string, string][] = [
      [file("index", "snapshot.ts"), "../retrieval/vectorSearch.js"],
      [file("retrieval", "retriever.ts"), "../index/snapshot.js"],
      [file("text", "terms.ts"), "../passages/sentences.js"],
      [file("reply", "discord.ts"), "../app/answers.js"],
      [file("bot", "bot.ts"), "../text/terms.js"],
      [file("app", "open.ts"), "discord.js"],
    ];
    expect(backEdges(edges)).toEqual(["index/snapshot.ts imports retrieval/vectorSearch.ts", "text/terms.ts imports passages/sentences.ts", "reply/discord.ts imports app/answers.ts"]);
  });
});

/**
 * Packages that take from a tenth of a second (pg) to half a second (discord.js, Transformers.js)
 * to load: each comes with import() at the point a command needs it (the bot on Discord, the
 * PostgreSQL store, a web page to read, the model to load), never with the command itself.
 */
const HEAVY_PACKAGES = ["discord.js", "pg", "@mozilla/readability", "linkedom", "@huggingface/transformers"];

describe("what each command loads before it runs", () => {
  it.each(["ask", "index", "add", "start", "register", "eval", "feedback", "health"])("src/cli/%s.ts loads none of discord.js, pg, Readability, linkedom and Transformers.js", async (command) => {
    const { packages } = await loadedBefore(join(SRC, "cli", `${command}.ts`));
    expect(packages.size).toBeGreaterThan(0);
    expect(HEAVY_PACKAGES.filter((name) => packages.has(name))).toEqual([]);
  });

  it("answers a question without loading the index builder, the PostgreSQL store or the bot", async () => {
    const { files } = await loadedBefore(join(SRC, "cli", "ask.ts"));
    expect(files).toContain(join("app", "open.ts"));
    expect(files.filter((file) => file === join("index", "build.ts") || file.startsWith(join("index", "postgres")) || file.startsWith("bot"))).toEqual([]);
  });

  it("counts imports and re-exports as loaded, and neither type-only imports nor import()", () => {
    const text = [
      'import type { A } from "a";',
      'import { type B } from "b";',
      'import C, { D } from "./c.js";',
      'import "e";',
      'export * from "f";',
      'export type { G } from "g";',
      'const h = await import("h");',
      'type I = typeof import("i");',
    ].join("\n");
    expect(staticSpecifiers(text)).toEqual(["b", "./c.js", "e", "f"]);
  });
});
