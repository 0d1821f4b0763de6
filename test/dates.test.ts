import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDateFilter, parseDayRange } from "../src/retrieval/dates.js";
import { FilterError } from "../src/retrieval/scope.js";

const NOW = new Date("2025-03-31T15:00:00Z");

describe("dates as people type them", () => {
  it.each([
    ["2025-01-17", "2025-01-17", "2025-01-17"],
    ["2025/1/7", "2025-01-07", "2025-01-07"],
    ["jan 2025", "2025-01-01", "2025-01-31"],
    ["January 2025", "2025-01-01", "2025-01-31"],
    ["feb 2024", "2024-02-01", "2024-02-29"],
    ["Sept. 2025", "2025-09-01", "2025-09-30"],
    ["2025-02", "2025-02-01", "2025-02-28"],
    ["2025", "2025-01-01", "2025-12-31"],
    ["17 jan 2025", "2025-01-17", "2025-01-17"],
    ["January 17th, 2025", "2025-01-17", "2025-01-17"],
    ["  JAN   17  2025 ", "2025-01-17", "2025-01-17"],
    ["today", "2025-03-31", "2025-03-31"],
    ["yesterday", "2025-03-30", "2025-03-30"],
    ["last week", "2025-03-24", "2025-03-24"],
    ["last month", "2025-02-28", "2025-02-28"],
    ["last year", "2024-03-31", "2024-03-31"],
    ["3 days ago", "2025-03-28", "2025-03-28"],
    ["2 weeks ago", "2025-03-17", "2025-03-17"],
  ])("reads %j as %s to %s", (typed, from, to) => {
    expect(parseDayRange(typed, NOW)).toEqual({ from, to });
  });

  it.each(["", "next week", "2025-02-30", "2025-13", "31 feb 2025", "jan", "12345", "1/2/2025", "<@123>", "2025-01-17; drop table", "‮2025"])("cannot read %j", (typed) => {
    expect(parseDayRange(typed, NOW)).toBeUndefined();
  });

  it("reads every real ISO day as itself, and its month and year as ranges holding it", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1700-01-01T00:00:00Z"), max: new Date("2999-12-31T00:00:00Z"), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        expect(parseDayRange(iso, NOW)).toEqual({ from: iso, to: iso });
        const month = parseDayRange(iso.slice(0, 7), NOW)!;
        const year = parseDayRange(iso.slice(0, 4), NOW)!;
        for (const range of [month, year]) expect(range.from <= iso && iso <= range.to).toBe(true);
      }),
    );
  });

  it("goes back from any day to an earlier, real day", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1800-01-01T00:00:00Z"), max: new Date("2900-01-01T00:00:00Z"), noInvalidDate: true }), fc.constantFrom("yesterday", "last week", "last month", "last year", "10 days ago", "2 months ago"), (now, typed) => {
        const { from, to } = parseDayRange(typed, now)!;
        expect(from).toBe(to);
        expect(from < now.toISOString().slice(0, 10)).toBe(true);
        expect(parseDayRange(from, now)).toEqual({ from, to });
      }),
    );
  });

  it("takes since from a range's first day and until from its last, and refuses them back to front", () => {
    expect(parseDateFilter({ since: "jan 2025", until: "jan 2025" }, NOW)).toEqual({ since: "2025-01-01", until: "2025-01-31" });
    expect(parseDateFilter({ since: "last week" }, NOW)).toEqual({ since: "2025-03-24" });
    expect(parseDateFilter({ since: " ", until: undefined }, NOW)).toEqual({});
    expect(() => parseDateFilter({ since: "2025", until: "2024" }, NOW)).toThrow(/back to front: since 2025-01-01 is after until 2024-12-31/);
    expect(() => parseDateFilter({ until: "soonish" }, NOW)).toThrow(FilterError);
    expect(() => parseDateFilter({ until: "soonish" }, NOW)).toThrow(/Cannot read until "soonish" as a date/);
  });
});
