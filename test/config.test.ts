import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, defaultAnswerWorkers, loadConfig, MAX_DEFAULT_ANSWER_WORKERS, PROJECT_ROOT } from "../src/config.js";

describe("configuration", () => {
  it("documents every variable in .env.example and in the README's table", async () => {
    const example = await readFile(join(PROJECT_ROOT, ".env.example"), "utf8");
    const readme = await readFile(join(PROJECT_ROOT, "README.md"), "utf8");
    for (const name of CONFIG_VARIABLES) {
      expect(example, `.env.example lacks ${name}`).toMatch(new RegExp(`^${name}=`, "m"));
      expect(readme, `the README's configuration table lacks ${name}`).toMatch(new RegExp(`^\\| \`${name}\` \\|`, "m"));
    }
  });

  it("takes the .env.example values as they are", async () => {
    const example = await readFile(join(PROJECT_ROOT, ".env.example"), "utf8");
    const env = Object.fromEntries([...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(() => loadConfig(env)).not.toThrow();
  });

  it("reads a feed list separated by spaces, commas or lines, and names a bad address", () => {
    expect(loadConfig({ FEEDS: "https://a.example/rss, https://b.example/atom\nhttp://c.example/feed" }).FEEDS).toEqual(["https://a.example/rss", "https://b.example/atom", "http://c.example/feed"]);
    expect(() => loadConfig({ FEEDS: "https://a.example/rss ftp://b.example/x" })).toThrow(/FEEDS\.1: each feed must be an http\(s\) address/);
    expect(() => loadConfig({ FEEDS_POLL_MINUTES: "-1" })).toThrow(/FEEDS_POLL_MINUTES/);
    expect(loadConfig({ FETCH_ALLOW_PRIVATE_NETWORK: "true" }).FETCH_ALLOW_PRIVATE_NETWORK).toBe(true);
  });
});

describe("the scoring workers", () => {
  it("default to one per core beside the main thread's, at least one and at most two; 0 scores in the main thread; a bad count names the variable", () => {
    expect([1, 2, 3, 4, 64].map((cores) => defaultAnswerWorkers(cores))).toEqual([1, 1, 2, 2, 2]);
    expect(MAX_DEFAULT_ANSWER_WORKERS).toBe(2);
    expect(loadConfig({}).ANSWER_WORKERS).toBe(defaultAnswerWorkers());
    expect(loadConfig({ ANSWER_WORKERS: "0" }).ANSWER_WORKERS).toBe(0);
    expect(loadConfig({ ANSWER_WORKERS: "4" }).ANSWER_WORKERS).toBe(4);
    for (const bad of ["-1", "1.5", "two", "65"]) expect(() => loadConfig({ ANSWER_WORKERS: bad })).toThrow(/ANSWER_WORKERS/);
  });
});

describe("the scale settings", () => {
  it("reads SHARDS as auto or a count, DATABASE_URL as a postgres address, and in a shard's process leaves discord.js's SHARDS to discord.js", () => {
    expect(loadConfig({}).SHARDS).toBe(1);
    expect(loadConfig({ SHARDS: "auto" }).SHARDS).toBe("auto");
    expect(loadConfig({ SHARDS: "4" }).SHARDS).toBe(4);
    expect(() => loadConfig({ SHARDS: "two" })).toThrow(/SHARDS: must be "auto" or a number of shards/);
    expect(() => loadConfig({ SHARDS: "0" })).toThrow(/SHARDS/);
    expect(loadConfig({ DATABASE_URL: "postgresql://u:p@db:5432/verbatim?sslmode=require" }).DATABASE_URL).toContain("db:5432");
    expect(() => loadConfig({ DATABASE_URL: "mysql://db/verbatim" })).toThrow(/DATABASE_URL: must be a postgres:\/\//);
    const shard = loadConfig({ SHARDING_MANAGER: "true", SHARDS: "1", SHARD_COUNT: "2" });
    expect(shard.SHARDS).toBe(1);
    expect(shard.SHARD_PROCESS).toEqual({ ids: [1], count: 2 });
    expect(loadConfig({ SHARDS: "2" }).SHARD_PROCESS).toBeUndefined();
  });
});
