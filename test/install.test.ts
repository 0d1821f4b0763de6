import { spawnSync } from "node:child_process";
import { cp, mkdir, readdir, readFile, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";
import { tempDir } from "./helpers.js";

describe("installing", () => {
  it("needs no npm configuration key npm does not know, so no npm command warns about one", () => {
    const npm = spawnSync("npm", ["pkg", "get", "name"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
    expect(npm.status).toBe(0);
    expect(npm.stderr).not.toMatch(/Unknown (project|user|env|cli) config/);
  });

  it("denies onnxruntime-node's install script (it only downloads CUDA files from NuGet) and allows the others", async () => {
    const manifest = JSON.parse(await readFile(join(PROJECT_ROOT, "package.json"), "utf8")) as { allowScripts?: Record<string, boolean> };
    expect(manifest.allowScripts).toEqual({ "onnxruntime-node": false, esbuild: true, protobufjs: true });
  });

  it("imports only dependencies from src/, never a dev dependency, so a production install (npm prune --omit=dev) runs dist/", async () => {
    const manifest = JSON.parse(await readFile(join(PROJECT_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const packages = new Set<string>();
    for (const file of await readdir(join(PROJECT_ROOT, "src"), { recursive: true })) {
      if (!file.endsWith(".ts")) continue;
      for (const { fileName } of ts.preProcessFile(await readFile(join(PROJECT_ROOT, "src", file), "utf8"), true, true).importedFiles) {
        if (fileName.startsWith(".") || fileName.startsWith("node:")) continue;
        packages.add(fileName.split("/").slice(0, fileName.startsWith("@") ? 2 : 1).join("/"));
      }
    }
    expect(packages.size).toBeGreaterThan(10);
    expect([...packages].filter((name) => manifest.dependencies[name] === undefined)).toEqual([]);
  });

  it("runs the commands with plain Node from bin/ and npm scripts, never through tsx", async () => {
    const manifest = JSON.parse(await readFile(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    for (const command of ["ask", "sources", "index", "add", "start", "register", "eval", "feedback", "health"]) expect(manifest.scripts[command]).toBe(`node bin/verbatim.js ${command}`);
    expect(await readFile(join(PROJECT_ROOT, "bin", "verbatim.js"), "utf8")).not.toMatch(/tsx/);
    expect(await readFile(join(PROJECT_ROOT, "deploy", "verbatim.service"), "utf8")).toMatch(/^ExecStart=\/usr\/bin\/env node \/opt\/verbatim\/bin\/verbatim\.js start$/m);
  });
});

/** The compiled command of a checkout made by `checkout`: prints its arguments. */
const ASK = 'declare const process: { argv: string[]; stdout: { write(text: string): void } };\nprocess.stdout.write(`compiled ${process.argv.slice(2).join(" ")}\\n`);\n';

/**
 * A small package laid out like this one (bin/verbatim.js and package.json copied, one command in
 * src/, a tsconfig.build.json without Node's types so that a build takes a moment): a git checkout
 * when `git`, with TypeScript installed when `typescript`.
 */
async function checkout(options: { git: boolean; typescript: boolean }): Promise<string> {
  const root = await tempDir("verbatim-checkout-");
  await cp(join(PROJECT_ROOT, "bin"), join(root, "bin"), { recursive: true });
  await cp(join(PROJECT_ROOT, "package.json"), join(root, "package.json"));
  await mkdir(join(root, "src", "cli"), { recursive: true });
  await writeFile(join(root, "src", "cli", "ask.ts"), ASK);
  const compilerOptions = { module: "NodeNext", target: "ES2022", lib: ["ES2022"], types: [], strict: true, rootDir: "src", outDir: "dist", incremental: true, tsBuildInfoFile: "dist/.tsbuildinfo" };
  await writeFile(join(root, "tsconfig.build.json"), JSON.stringify({ compilerOptions, include: ["src"] }));
  if (options.git) await mkdir(join(root, ".git"));
  if (options.typescript) await symlink(join(PROJECT_ROOT, "node_modules"), join(root, "node_modules"));
  return root;
}

function verbatim(root: string, args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "bin", "verbatim.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Makes the last build look older than every source file, as after a `git pull`. */
async function backdateBuild(root: string): Promise<void> {
  await utimes(join(root, "dist", ".tsbuildinfo"), new Date(0), new Date(0));
}

describe("bin/verbatim.js and dist/", () => {
  it("builds dist/ in a checkout with TypeScript installed when it is missing or src/ changed, and runs it as it is otherwise", async () => {
    const root = await checkout({ git: true, typescript: true });
    const first = verbatim(root, ["ask", "who signed"]);
    expect(first).toMatchObject({ code: 0, stdout: "compiled who signed\n" });
    expect(first.stderr).toMatch(/^verbatim: Verbatim is not built yet \(dist\/cli\/ask\.js is missing\): building dist\/ \(npm run build\)…\n/);
    expect(verbatim(root, ["ask", "again"])).toEqual({ code: 0, stdout: "compiled again\n", stderr: "" });
    // Only TypeScript is compiled: another file in src/ (the .wat source of the WebAssembly) changes nothing.
    await writeFile(join(root, "src", "notes.wat"), "(module)\n");
    expect(verbatim(root, ["ask", "once more"])).toEqual({ code: 0, stdout: "compiled once more\n", stderr: "" });

    await writeFile(join(root, "src", "cli", "ask.ts"), ASK.replace("compiled", "rebuilt"));
    await backdateBuild(root);
    const changed = verbatim(root, ["ask", "q"]);
    expect(changed).toMatchObject({ code: 0, stdout: "rebuilt q\n" });
    expect(changed.stderr).toContain(`verbatim: ${join("src", "cli", "ask.ts")} changed since Verbatim was last built: building dist/`);
  });

  it("refuses to run src/ that does not compile, every time until it is fixed", async () => {
    const root = await checkout({ git: true, typescript: true });
    expect(verbatim(root, ["ask", "q"]).code).toBe(0);
    await writeFile(join(root, "src", "cli", "ask.ts"), `${ASK}const count: number = "three";\n`);
    await backdateBuild(root);
    for (let run = 0; run < 2; run++) {
      const broken = verbatim(root, ["ask", "q"]);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toBe("");
      expect(broken.stderr).toMatch(/error TS2322[^]*verbatim: the build failed \(see the errors above\): fix src\/, then run the command again\.\n$/);
    }
  });

  it("says what to do when dist/ is missing or out of date and TypeScript is not installed (a pruned production install)", async () => {
    const root = await checkout({ git: true, typescript: false });
    const missing = verbatim(root, ["ask", "q"]);
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr: "verbatim: Verbatim is not built yet (dist/cli/ask.js is missing), and TypeScript is not installed to build it: run `npm ci`, then `npm run build` (then `npm prune --omit=dev` for a production install).\n",
    });
    await mkdir(join(root, "dist", "cli"), { recursive: true });
    await writeFile(join(root, "dist", "cli", "ask.js"), 'process.stdout.write("old build\\n");\n');
    await writeFile(join(root, "dist", ".tsbuildinfo"), "{}");
    await backdateBuild(root);
    const stale = verbatim(root, ["ask", "q"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^verbatim: src\/cli\/ask\.ts changed since Verbatim was last built, and TypeScript is not installed to build it: run `npm ci`/);
    // Not a checkout (an image or a copied install): dist/ is what was shipped.
    const shipped = await checkout({ git: false, typescript: false });
    await cp(join(root, "dist"), join(shipped, "dist"), { recursive: true });
    expect(verbatim(shipped, ["ask", "q"])).toEqual({ code: 0, stdout: "old build\n", stderr: "" });
  });
});
