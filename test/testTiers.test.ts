import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";
import config from "../vitest.config.js";

interface Project {
  test: { name: string; include: string[]; exclude?: string[] };
}

describe("the test tiers", () => {
  const projects = (config.test?.projects ?? []) as Project[];
  const tier = (name: string) => projects.find((project) => project.test.name === name)?.test;

  it("keeps the end-to-end and PostgreSQL suites out of the fast tier, and runs them in the slow one", () => {
    expect(tier("fast")).toMatchObject({ include: ["test/**/*.test.ts"], exclude: expect.arrayContaining(["test/bot.e2e.test.ts", "test/postgres.test.ts"]) });
    expect(tier("slow")?.include).toEqual(tier("fast")?.exclude);
  });

  it("runs the fast tier with npm test, both with npm run test:all, and both in CI", async () => {
    const { scripts } = JSON.parse(await readFile(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(scripts.test).toBe("tsc --noEmit && vitest run --project fast");
    expect(scripts["test:all"]).toBe("tsc --noEmit && vitest run");
    const ci = await readFile(join(PROJECT_ROOT, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^npm run test:all$/m);
    expect(ci).not.toMatch(/^npm test$/m);
  });
});
