import { describe, expect, it } from "vitest";
import type { ReportDay } from "../api";
import { daysBetween, grandTotal, spendPerDay, totalsByGroup } from "./usage-data";

const entry = (model: string, spend: number, requests: number) => ({
  model,
  total_spend: spend,
  prompt_tokens: 10 * requests,
  completion_tokens: 5 * requests,
  total_tokens: 15 * requests,
  requests,
});

const report: ReportDay[] = [
  { group_by_day: "2025-03-01T00:00:00+00:00", models: [entry("gpt-4o", 0.5, 2), entry("mini", 0.01, 1)] },
  { group_by_day: "2025-03-03T00:00:00+00:00", models: [entry("gpt-4o", 1, 3)] },
];

describe("usage data", () => {
  it("lists every day of a range, inclusive", () => {
    expect(daysBetween("2025-02-27", "2025-03-02")).toEqual([
      "2025-02-27",
      "2025-02-28",
      "2025-03-01",
      "2025-03-02",
    ]);
    expect(daysBetween("2025-03-02", "2025-03-01")).toEqual([]);
  });

  it("sums spend per day, 0 on days without any", () => {
    expect(spendPerDay(report, daysBetween("2025-03-01", "2025-03-04"))).toEqual([0.51, 0, 1, 0]);
  });

  it("totals each group over the range, biggest spend first", () => {
    const rows = totalsByGroup(report, (row) => String(row.model));
    expect(rows).toEqual([
      { name: "gpt-4o", spend: 1.5, requests: 5, promptTokens: 50, completionTokens: 25 },
      { name: "mini", spend: 0.01, requests: 1, promptTokens: 10, completionTokens: 5 },
    ]);
    expect(grandTotal(rows)).toEqual({ spend: 1.51, requests: 6, promptTokens: 60, completionTokens: 30 });
  });
});
