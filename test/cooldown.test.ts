import { describe, expect, it } from "vitest";
import { Cooldown } from "../src/bot/cooldown.js";

describe("cooldown", () => {
  it("refuses a second question inside the window, per user, and forgets old users", () => {
    let now = 0;
    const cooldown = new Cooldown(5, () => now);
    expect(cooldown.take("a")).toBe(0);
    now = 1000;
    expect(cooldown.take("a")).toBe(4);
    expect(cooldown.take("b")).toBe(0);
    now = 5000;
    expect(cooldown.take("a")).toBe(0);
    now = 20_000;
    expect(cooldown.take("c")).toBe(0);
    expect(cooldown.size).toBe(1);
    expect(new Cooldown(0).take("a")).toBe(0);
  });
});
