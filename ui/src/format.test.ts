import { describe, expect, it } from "vitest";
import {
  dateTime,
  isoDay,
  limit,
  milliseconds,
  modelList,
  money,
  parseList,
  parseNumber,
  shortHash,
  spendOfBudget,
} from "./format";

describe("format", () => {
  it("shows money with cents, and small costs with two significant digits", () => {
    expect(money(0)).toBe("$0.00");
    expect(money(12.345)).toBe("$12.35");
    expect(money(0.000012)).toBe("$0.000012");
    expect(money(0.00000012)).toBe("$0.00000012");
    expect(money(null)).toBe("—");
    expect(spendOfBudget(1.2, 10)).toBe("$1.20 / $10.00");
    expect(spendOfBudget(1.2, null)).toBe("$1.20");
  });

  it("shows limits, dates, latencies and model lists", () => {
    expect(limit(null)).toBe("—");
    expect(limit(10000)).toBe("10,000");
    expect(dateTime("2025-03-01T10:00:01.500Z")).toBe("2025-03-01 10:00:01");
    expect(dateTime(null, "never")).toBe("never");
    expect(milliseconds(3.21)).toBe("3.2 ms");
    expect(milliseconds(1234.5)).toBe("1235 ms");
    expect(modelList([])).toBe("all models");
    expect(modelList(["a", "b"])).toBe("a, b");
    expect(shortHash("0123456789abcdef")).toBe("…abcdef");
    expect(isoDay(new Date("2025-03-10T23:00:00Z"), 9)).toBe("2025-03-01");
  });

  it("reads list and number fields", () => {
    expect(parseList(" gpt-4o, claude ,\nmini,, ")).toEqual(["gpt-4o", "claude", "mini"]);
    expect(parseNumber("")).toBeNull();
    expect(parseNumber(" 2.5 ")).toBe(2.5);
    expect(parseNumber("2.5", true)).toBeUndefined();
    expect(parseNumber("-1")).toBeUndefined();
    expect(parseNumber("ten")).toBeUndefined();
  });
});
