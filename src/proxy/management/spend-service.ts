/** `/spend/logs`, `/global/spend`, `/global/spend/report`. */
import type { DailySpendRow, DateRange, SpendReportGroup } from "../../store/index.js";
import { flushSpendQuietly } from "./flush-spend.js";
import { toTokenHash } from "./raw-keys.js";
import { type SpendLogJson, toSpendLogJson } from "./spend-json.js";
import type { GlobalSpendQuery, SpendLogsQuery, SpendReportQuery } from "./spend-schemas.js";
import type { ManagementDependencies } from "./types.js";

function toDateRange(query: { start_date?: string | undefined; end_date?: string | undefined }): DateRange {
  return {
    ...(query.start_date === undefined ? {} : { startDate: query.start_date }),
    ...(query.end_date === undefined ? {} : { endDate: query.end_date }),
  };
}

/** `/spend/logs`: one row per request, newest first, filtered; spend queued so far is written first. */
export async function spendLogs(
  dependencies: ManagementDependencies,
  query: SpendLogsQuery,
): Promise<SpendLogJson[]> {
  await flushSpendQuietly(dependencies);
  const rows = await dependencies.stores.spend.queryLogs({
    ...toDateRange(query),
    ...(query.request_id === undefined ? {} : { requestId: query.request_id }),
    ...(query.api_key === undefined ? {} : { apiKey: toTokenHash(query.api_key) }),
    ...(query.user_id === undefined ? {} : { userId: query.user_id }),
    ...(query.team_id === undefined ? {} : { teamId: query.team_id }),
    ...(query.model === undefined ? {} : { model: query.model }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.offset === undefined ? {} : { offset: query.offset }),
  });
  return rows.map(toSpendLogJson);
}

/** `/global/spend`: the proxy's total; llmgate has no proxy-wide budget, so `max_budget` is null. */
export async function globalSpend(
  dependencies: ManagementDependencies,
  query: GlobalSpendQuery,
): Promise<{ spend: number; max_budget: number | null }> {
  await flushSpendQuietly(dependencies);
  const totals = await dependencies.stores.spend.globalSpend(toDateRange(query));
  return { spend: totals.spend, max_budget: null };
}

interface ReportEntry {
  total_spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  requests: number;
  [name: string]: string | number | null;
}

export type SpendReportDay = { group_by_day: string } & Record<string, string | ReportEntry[]>;

const reportGroups: Record<SpendReportQuery["group_by"], { group: SpendReportGroup; list: string }> = {
  team: { group: "team", list: "teams" },
  api_key: { group: "key", list: "api_keys" },
  key: { group: "key", list: "api_keys" },
  model: { group: "model", list: "models" },
  user: { group: "user", list: "users" },
};

async function describeGroup(
  dependencies: ManagementDependencies,
  groupBy: SpendReportQuery["group_by"],
  group: string | null,
): Promise<Record<string, string | null>> {
  switch (groupBy) {
    case "team": {
      const team = group === null ? undefined : await dependencies.stores.teams.findById(group);
      return { team_id: group, team_name: team?.teamAlias ?? group ?? "Unassigned Team" };
    }
    case "api_key":
    case "key": {
      const key = group === null ? undefined : await dependencies.stores.keys.findByHash(group);
      return { api_key: group, key_alias: key?.keyAlias ?? null };
    }
    case "model":
      return { model: group };
    case "user":
      return { user_id: group };
  }
}

function toEntry(row: DailySpendRow, names: Record<string, string | null>): ReportEntry {
  return {
    ...names,
    total_spend: row.spend,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    total_tokens: row.promptTokens + row.completionTokens,
    requests: row.requests,
  };
}

/** `/global/spend/report`: daily totals (UTC days) grouped by team, key, model or user. */
export async function spendReport(
  dependencies: ManagementDependencies,
  query: SpendReportQuery,
): Promise<SpendReportDay[]> {
  await flushSpendQuietly(dependencies);
  const { group, list } = reportGroups[query.group_by];
  const rows = await dependencies.stores.spend.dailyReport({ ...toDateRange(query), groupBy: group });
  const names = new Map<string | null, Record<string, string | null>>();
  const days = new Map<string, ReportEntry[]>();
  for (const row of rows) {
    let described = names.get(row.group);
    if (described === undefined) {
      described = await describeGroup(dependencies, query.group_by, row.group);
      names.set(row.group, described);
    }
    const entries = days.get(row.date) ?? [];
    entries.push(toEntry(row, described));
    days.set(row.date, entries);
  }
  return [...days].map(([date, entries]) => ({ group_by_day: `${date}T00:00:00+00:00`, [list]: entries }));
}
