import { describe, expect, it } from "vitest";
import { healthReport, type HealthInputs } from "../src/app/health.js";

const index = { buildId: "20260101-000000000-abcdef", builtAt: "2026-01-01T00:00:00.000Z", model: "verbatim-static-squad-100d", articles: 6, passages: 90 };
const serving: HealthInputs = { index, discord: "connected", stopping: false, uptimeSeconds: 12.7 };

describe("the health check's answer", () => {
  it("is 200 and ok once the index is served and Discord connected, with the build, model, uptime and connection", () => {
    expect(healthReport(serving)).toEqual({ status: 200, body: { status: "ok", index, model: index.model, discord: "connected", uptimeSeconds: 12 } });
  });

  it("is 200 for the local console, which uses no Discord", () => {
    expect(healthReport({ ...serving, discord: "not used" }).status).toBe(200);
  });

  it.each([
    [{ index: undefined, discord: "connecting" }, "loading the model and the index"],
    [{ discord: "connecting" }, "connecting to Discord"],
    [{ discord: "disconnected" }, "not connected to Discord"],
    [{ stopping: true }, "stopping: finishing the interactions in flight"],
  ] as [Partial<HealthInputs>, string][])("is 503 with the reason while not ready: %o", (change, reason) => {
    const { status, body } = healthReport({ ...serving, ...change });
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: "unavailable", reason });
  });

  it("says null for the index and model while they load", () => {
    expect(healthReport({ ...serving, index: undefined }).body).toMatchObject({ index: null, model: null });
  });
});
