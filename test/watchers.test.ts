import { EventEmitter } from "node:events";
import type pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { databaseWatcher } from "../src/app/databaseWatcher.js";
import { createLogger } from "../src/log.js";
import { BUILD_CHANNEL } from "../src/index/postgres/schema.js";

/** A pool whose connections record their queries and can be made to fail or to receive a notification. */
function fakePool(failConnects = 0) {
  const clients: (EventEmitter & { queries: string[]; released: boolean[] })[] = [];
  let failures = failConnects;
  const pool = {
    connect: vi.fn(async () => {
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      }
      const client = Object.assign(new EventEmitter(), {
        queries: [] as string[],
        released: [] as boolean[],
        query: async (text: string) => {
          client.queries.push(text);
          return { rows: [] };
        },
        release: (destroy?: boolean) => client.released.push(destroy === true),
      });
      clients.push(client);
      return client;
    }),
  };
  return { pool: pool as unknown as pg.Pool, clients, connects: pool.connect };
}

describe("the PostgreSQL store's watcher", () => {
  it("listens on the build channel and calls back on its notifications only", async () => {
    const { pool, clients } = fakePool();
    const changed = vi.fn();
    const watcher = databaseWatcher(pool);
    await watcher.listen!(changed, createLogger("silent"));
    expect(clients[0]!.queries).toEqual([`listen ${BUILD_CHANNEL}`]);
    clients[0]!.emit("notification", { channel: "another_channel", payload: "x" });
    expect(changed).not.toHaveBeenCalled();
    clients[0]!.emit("notification", { channel: BUILD_CHANNEL, payload: "20261201-000000000-abcdef" });
    expect(changed).toHaveBeenCalledTimes(1);
    await watcher.close();
    expect(clients[0]!.queries.at(-1)).toBe(`unlisten ${BUILD_CHANNEL}`);
    expect(clients[0]!.released).toEqual([false]);
  });

  it("listens again after its connection drops, retrying while the database is away, and then looks for a missed build", async () => {
    vi.useFakeTimers();
    try {
      const { pool, clients, connects } = fakePool();
      const changed = vi.fn();
      const watcher = databaseWatcher(pool);
      await watcher.listen!(changed, createLogger("silent"));
      // The database goes away for two attempts.
      (connects as any).mockImplementationOnce(async () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })));
      (connects as any).mockImplementationOnce(async () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })));
      clients[0]!.emit("error", new Error("Connection terminated unexpectedly"));
      expect(clients[0]!.released).toEqual([true]);
      await vi.advanceTimersByTimeAsync(1000); // first retry: refused
      await vi.advanceTimersByTimeAsync(2000); // second: refused
      expect(clients).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(4000); // third: listening again
      expect(clients).toHaveLength(2);
      expect(clients[1]!.queries).toEqual([`listen ${BUILD_CHANNEL}`]);
      expect(changed).toHaveBeenCalledTimes(1); // a build may have been announced meanwhile
      await watcher.close();
      clients[1]!.emit("error", new Error("gone"));
      await vi.advanceTimersByTimeAsync(120_000);
      expect(clients).toHaveLength(2); // closed: no more reconnecting
    } finally {
      vi.useRealTimers();
    }
  });
});
