import { describe, expect, it } from "vitest";
import { addDuration, nextResetAfter, parseDuration, requireDuration } from "./duration.js";

describe("parseDuration", () => {
  it("parses seconds, minutes, hours, days, weeks and months", () => {
    expect(parseDuration("30s")).toEqual({ amount: 30, unit: "s" });
    expect(parseDuration("10m")).toEqual({ amount: 10, unit: "m" });
    expect(parseDuration("1h")).toEqual({ amount: 1, unit: "h" });
    expect(parseDuration("30d")).toEqual({ amount: 30, unit: "d" });
    expect(parseDuration("2w")).toEqual({ amount: 2, unit: "w" });
    expect(parseDuration("1mo")).toEqual({ amount: 1, unit: "mo" });
  });

  it("rejects malformed, zero and negative durations", () => {
    for (const text of ["", "30", "d", "30x", "-1d", "0d", "1.5h", "1 month"]) {
      expect(parseDuration(text)).toBeUndefined();
    }
    expect(() => requireDuration("soon")).toThrow(/invalid duration "soon"/);
  });
});

describe("addDuration", () => {
  const start = new Date("2025-01-31T12:00:00.000Z");

  it("adds fixed units", () => {
    expect(addDuration(start, { amount: 30, unit: "s" }).toISOString()).toBe("2025-01-31T12:00:30.000Z");
    expect(addDuration(start, { amount: 10, unit: "m" }).toISOString()).toBe("2025-01-31T12:10:00.000Z");
    expect(addDuration(start, { amount: 1, unit: "d" }).toISOString()).toBe("2025-02-01T12:00:00.000Z");
  });

  it("adds calendar months, clamping the day", () => {
    expect(addDuration(start, { amount: 1, unit: "mo" }).toISOString()).toBe("2025-02-28T12:00:00.000Z");
    expect(addDuration(start, { amount: 2, unit: "mo" }).toISOString()).toBe("2025-03-31T12:00:00.000Z");
  });
});

describe("nextResetAfter", () => {
  it("steps past now by whole periods", () => {
    const from = new Date("2025-01-01T00:00:00.000Z");
    const now = new Date("2025-01-03T05:00:00.000Z");
    expect(nextResetAfter(from, { amount: 1, unit: "d" }, now).toISOString()).toBe(
      "2025-01-04T00:00:00.000Z",
    );
    expect(nextResetAfter(from, { amount: 1, unit: "mo" }, now).toISOString()).toBe(
      "2025-02-01T00:00:00.000Z",
    );
  });

  it("keeps month stepping anchored on the original day", () => {
    const from = new Date("2025-01-31T00:00:00.000Z");
    const now = new Date("2025-03-15T00:00:00.000Z");
    expect(nextResetAfter(from, { amount: 1, unit: "mo" }, now).toISOString()).toBe(
      "2025-03-31T00:00:00.000Z",
    );
  });

  it("moves a reset due exactly now to the next period", () => {
    const from = new Date("2025-01-01T00:00:00.000Z");
    expect(
      nextResetAfter(from, { amount: 1, unit: "h" }, new Date("2025-01-01T01:00:00.000Z")).toISOString(),
    ).toBe("2025-01-01T02:00:00.000Z");
  });
});
