import { decodeJsonObject, encodeJson, toOptionalTimestamp, toTimestamp } from "./codec.js";
import type { DailySpendTable, SpendLogsTable } from "./schema.js";
import type { DateRange, SpendLogEntry, SpendLogRecord, SpendStatus } from "./spend-store.js";

/** Mapping of spend entries to rows and aggregates; pure, shared by the SQL spend store. */

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

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
  };
}

/** The daily aggregates of some rows, one per (date, key, model group, team, user), in a stable order. */
export function aggregateDaily(rows: readonly SpendLogsTable[]): DailySpendTable[] {
  const byIdentity = new Map<string, DailySpendTable>();
  for (const row of rows) {
    const identity: Omit<DailySpendTable, "spend" | "prompt_tokens" | "completion_tokens" | "requests"> = {
      date: row.start_time.slice(0, 10),
      api_key: row.api_key ?? "",
      model_group: row.model_group ?? "",
      team_id: row.team_id ?? "",
      user_id: row.user_id ?? "",
    };
    const name = JSON.stringify(Object.values(identity));
    const total = byIdentity.get(name) ?? {
      ...identity,
      spend: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      requests: 0,
    };
    total.spend += row.spend;
    total.prompt_tokens += row.prompt_tokens;
    total.completion_tokens += row.completion_tokens;
    total.requests += 1;
    byIdentity.set(name, total);
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

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}
