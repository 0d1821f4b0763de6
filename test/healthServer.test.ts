import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { HealthInputs } from "../src/app/health.js";
import { HEALTH_PATH, HealthServer } from "../src/app/healthServer.js";
import { PROJECT_ROOT } from "../src/config.js";
import { createLogger } from "../src/log.js";

const index = { buildId: "b1", builtAt: "2026-01-01T00:00:00.000Z", model: "m", articles: 1, passages: 2 };
let state: HealthInputs = { discord: "connecting", stopping: false, uptimeSeconds: 1 };
const servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serve(): Promise<string> {
  const server = new HealthServer("127.0.0.1", 0, () => state, createLogger("silent"));
  servers.push(server);
  await server.start();
  return `http://127.0.0.1:${server.listeningPort}`;
}

describe("the health check server", () => {
  it("answers GET /healthz 503 while not ready and 200 once ready, as JSON that is never cached", async () => {
    const base = await serve();
    state = { discord: "connecting", stopping: false, uptimeSeconds: 1 };
    const loading = await fetch(`${base}${HEALTH_PATH}`);
    expect(loading.status).toBe(503);
    expect(loading.headers.get("content-type")).toMatch(/^application\/json/);
    expect(loading.headers.get("cache-control")).toBe("no-store");
    expect(await loading.json()).toMatchObject({ status: "unavailable", reason: "loading the model and the index" });
    state = { index, discord: "connected", stopping: false, uptimeSeconds: 5 };
    const ready = await fetch(`${base}${HEALTH_PATH}?probe=1`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ok", index, model: "m", discord: "connected", uptimeSeconds: 5 });
  });

  it("answers HEAD without a body, another path 404 and another method 405, naming what it takes", async () => {
    const base = await serve();
    const head = await fetch(`${base}${HEALTH_PATH}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const other = await fetch(`${base}/metrics`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: string }).error).toContain("GET /healthz");
    const post = await fetch(`${base}${HEALTH_PATH}`, { method: "POST", body: "x".repeat(10_000) });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("says what to do when its port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(new HealthServer("127.0.0.1", port, () => state, createLogger("silent")).start()).rejects.toThrow(`HEALTH_PORT ${port} on 127.0.0.1 is already in use: set HEALTH_PORT to a free port`);
    } finally {
      blocker.close();
    }
  });
});

describe("npm run health", () => {
  /** Runs the command as a child process (not spawnSync: the server it asks runs in this process). */
  const health = (args: string[], env: Record<string, string>) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "src/cli/health.ts", ...args], { cwd: PROJECT_ROOT, env: { ...process.env, HEALTH_PORT: "", ...env } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += String(chunk)));
      child.stderr.on("data", (chunk) => (stderr += String(chunk)));
      child.on("exit", (status) => resolve({ status, stdout, stderr }));
    });

  it("exits 0 when the bot is ready and 1 when not, printing what it said", async () => {
    const base = await serve();
    const port = new URL(base).port;
    state = { index, discord: "connected", stopping: false, uptimeSeconds: 5 };
    const ready = await health([], { HEALTH_PORT: port });
    expect(ready.status).toBe(0);
    expect(ready.stdout).toMatch(/^200 \{"status":"ok"/);
    state = { index, discord: "disconnected", stopping: false, uptimeSeconds: 5 };
    const down = await health([], { HEALTH_PORT: port, HEALTH_HOST: "0.0.0.0" });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain("503");
  });

  it("says so when nothing listens, or HEALTH_PORT is not set", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = String((blocker.address() as { port: number }).port);
    blocker.close();
    const none = await health([], { HEALTH_PORT: port });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("is the bot running with HEALTH_PORT set?");
    const unset = await health([], {});
    expect(unset.status).toBe(2);
    expect(unset.stderr).toContain("HEALTH_PORT is not set");
  });
});
