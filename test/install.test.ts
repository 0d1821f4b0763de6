import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";

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
});
