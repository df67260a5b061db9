import { decodeJsonObject, encodeJson, toOptionalTimestamp, toTimestamp } from "./codec.js";
import type { DailySpendTable, SpendLogsTable } from "./schema.js";
import type { DateRange, SpendLogEntry, SpendLogRecord, SpendStatus } from "./spend-store.js";

/** Mapping of spend entries to rows and aggregates; pure, shared by the SQL spend store. */

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/** Every spend_logs column in one fixed order; the `satisfies` keeps it in step with the schema. */
export const spendLogColumns = Object.keys({
  request_id: true,
  response_id: true,
  call_type: true,
  api_key: true,
  user_id: true,
  team_id: true,
  model_group: true,
  model: true,
  deployment_id: true,
  prompt_tokens: true,
  completion_tokens: true,
  total_tokens: true,
  spend: true,
  status: true,
  error_code: true,
  start_time: true,
  end_time: true,
  latency_ms: true,
  metadata: true,
  cache_hit: true,
} satisfies Record<keyof SpendLogsTable, true>) as ReadonlyArray<keyof SpendLogsTable>;

/** The unique key of daily_spend, then the totals added up when a row with that key exists. */
export const dailyIdentityColumns = ["date", "api_key", "model_group", "team_id", "user_id"] as const;
export const dailyTotalColumns = ["spend", "prompt_tokens", "completion_tokens", "requests"] as const;

/** The tables whose `spend` a batch adds to: their id column, and the spend-log column naming the row. */
export const spendOwners = [
  { table: "keys", idColumn: "token_hash", logColumn: "api_key" },
  { table: "users", idColumn: "user_id", logColumn: "user_id" },
  { table: "teams", idColumn: "team_id", logColumn: "team_id" },
] as const;

export function toSpendLogRow(entry: SpendLogEntry): SpendLogsTable {
  const startTime = toTimestamp(entry.startTime);
  const endTime = toTimestamp(entry.endTime);
  return {
    request_id: entry.requestId,
    response_id: entry.responseId ?? null,
    call_type: entry.callType,
    api_key: entry.apiKey ?? null,
    user_id: entry.userId ?? null,
    team_id: entry.teamId ?? null,
    model_group: entry.modelGroup ?? null,
    model: entry.model ?? null,
    deployment_id: entry.deploymentId ?? null,
    prompt_tokens: entry.promptTokens,
    completion_tokens: entry.completionTokens,
    total_tokens: entry.totalTokens ?? entry.promptTokens + entry.completionTokens,
    spend: entry.spend,
    status: entry.status,
    error_code: entry.errorCode ?? null,
    start_time: startTime,
    end_time: endTime,
    latency_ms: entry.latencyMs ?? Date.parse(endTime) - Date.parse(startTime),
    metadata: encodeJson(entry.metadata ?? {}),
    cache_hit: entry.cacheHit === true ? 1 : 0,
  };
}

export function toSpendLogRecord(row: SpendLogsTable): SpendLogRecord {
  return {
    requestId: row.request_id,
    responseId: row.response_id,
    callType: row.call_type,
    apiKey: row.api_key,
    userId: row.user_id,
    teamId: row.team_id,
    modelGroup: row.model_group,
    model: row.model,
    deploymentId: row.deployment_id,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    totalTokens: row.total_tokens,
    spend: row.spend,
    status: row.status as SpendStatus,
    errorCode: row.error_code,
    startTime: row.start_time,
    endTime: row.end_time,
    latencyMs: row.latency_ms,
    metadata: decodeJsonObject(row.metadata),
    cacheHit: row.cache_hit === 1,
  };
}

/** The daily aggregates of some rows, one per (date, key, model group, team, user), in a stable order. */
export function aggregateDaily(rows: readonly SpendLogsTable[]): DailySpendTable[] {
  const byIdentity = new Map<string, DailySpendTable>();
  for (const row of rows) {
    const date = row.start_time.slice(0, 10);
    const apiKey = row.api_key ?? "";
    const modelGroup = row.model_group ?? "";
    const teamId = row.team_id ?? "";
    const userId = row.user_id ?? "";
    // JSON keeps two identities apart whatever characters their parts hold.
    const name = JSON.stringify([date, apiKey, modelGroup, teamId, userId]);
    let total = byIdentity.get(name);
    if (total === undefined) {
      total = {
        date,
        api_key: apiKey,
        model_group: modelGroup,
        team_id: teamId,
        user_id: userId,
        spend: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        requests: 0,
      };
      byIdentity.set(name, total);
    }
    total.spend += row.spend;
    total.prompt_tokens += row.prompt_tokens;
    total.completion_tokens += row.completion_tokens;
    total.requests += 1;
  }
  return [...byIdentity.entries()]
    .sort(([left], [right]) => (left < right ? -1 : 1))
    .map(([, total]) => total);
}

/** Spend per id (key hash, user or team), ids sorted so concurrent writers lock rows in one order. */
export function sumSpendBy(
  rows: readonly SpendLogsTable[],
  idOf: (row: SpendLogsTable) => string | null,
): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const row of rows) {
    const id = idOf(row);
    if (id === null || row.spend === 0) continue;
    totals.set(id, (totals.get(id) ?? 0) + row.spend);
  }
  return [...totals.entries()].sort(([left], [right]) => (left < right ? -1 : 1));
}

export interface TimestampBounds {
  /** Inclusive lower bound. */
  from?: string;
  /** Exclusive upper bound. */
  before?: string;
}

/** A date range as bounds on ISO timestamps (date-only ends cover their whole UTC day). */
export function toTimestampBounds(range: DateRange): TimestampBounds {
  const bounds: TimestampBounds = {};
  if (range.startDate !== undefined) bounds.from = toTimestamp(range.startDate);
  if (range.endDate !== undefined) {
    const end = range.endDate;
    const endTime =
      typeof end === "string" && dateOnly.test(end)
        ? Date.parse(end) + 86_400_000
        : Date.parse(toTimestamp(end)) + 1;
    bounds.before = new Date(endTime).toISOString();
  }
  return bounds;
}

/** A date range as inclusive `YYYY-MM-DD` bounds on the daily aggregates. */
export function toDateBounds(range: DateRange): { from?: string; to?: string } {
  const bounds: { from?: string; to?: string } = {};
  const start = toOptionalTimestamp(range.startDate);
  const end = toOptionalTimestamp(range.endDate);
  if (start !== null) bounds.from = start.slice(0, 10);
  if (end !== null) bounds.to = end.slice(0, 10);
  return bounds;
}
