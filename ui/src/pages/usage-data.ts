/** `/global/spend/report` answers folded into what the Usage page shows. Pure: unit-tested. */
import type { ReportDay, ReportEntry } from "../api";

export interface UsageTotals {
  spend: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

export interface UsageRow extends UsageTotals {
  name: string;
}

function entriesOf(day: ReportDay): ReportEntry[] {
  for (const value of Object.values(day)) if (Array.isArray(value)) return value;
  return [];
}

/** Every day from `start` to `end` (`YYYY-MM-DD`, inclusive, at most 400 days). */
export function daysBetween(start: string, end: string): string[] {
  const days: string[] = [];
  const last = Date.parse(`${end}T00:00:00Z`);
  for (let time = Date.parse(`${start}T00:00:00Z`); time <= last && days.length < 400; time += 86_400_000) {
    days.push(new Date(time).toISOString().slice(0, 10));
  }
  return days;
}

/** Spend per day over `days` (0 where the report has nothing). */
export function spendPerDay(report: ReportDay[], days: string[]): number[] {
  const byDay = new Map<string, number>();
  for (const day of report) {
    const date = day.group_by_day.slice(0, 10);
    const spend = entriesOf(day).reduce((sum, entry) => sum + entry.total_spend, 0);
    byDay.set(date, (byDay.get(date) ?? 0) + spend);
  }
  return days.map((day) => byDay.get(day) ?? 0);
}

/** Totals per group over the whole range, biggest spend first; `nameOf` names an entry. */
export function totalsByGroup(report: ReportDay[], nameOf: (entry: ReportEntry) => string): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const day of report) {
    for (const entry of entriesOf(day)) {
      const name = nameOf(entry);
      const row = rows.get(name) ?? { name, spend: 0, requests: 0, promptTokens: 0, completionTokens: 0 };
      row.spend += entry.total_spend;
      row.requests += entry.requests;
      row.promptTokens += entry.prompt_tokens;
      row.completionTokens += entry.completion_tokens;
      rows.set(name, row);
    }
  }
  return [...rows.values()].sort((a, b) => b.spend - a.spend || b.requests - a.requests);
}

export function grandTotal(rows: UsageRow[]): UsageTotals {
  return rows.reduce(
    (total, row) => ({
      spend: total.spend + row.spend,
      requests: total.requests + row.requests,
      promptTokens: total.promptTokens + row.promptTokens,
      completionTokens: total.completionTokens + row.completionTokens,
    }),
    { spend: 0, requests: 0, promptTokens: 0, completionTokens: 0 },
  );
}
