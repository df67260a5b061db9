import { describe, expect, it } from "vitest";
import { timeOrderedUuid } from "./time-ordered-id.js";

describe("timeOrderedUuid", () => {
  it("is a version 7 UUID that starts with the time in milliseconds", () => {
    const before = Date.now();
    const id = timeOrderedUuid();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it("sorts by time and does not repeat", async () => {
    const first = timeOrderedUuid();
    await new Promise((resolve) => setTimeout(resolve, 3));
    const ids = Array.from({ length: 10_000 }, () => timeOrderedUuid());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.slice(0, 13) >= first.slice(0, 13)).toBe(true);
    expect(ids.every((id) => id > first)).toBe(true);
  });
});
