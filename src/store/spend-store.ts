/** Spend logs and their daily aggregates: the records, filters and the repository interface. */

export type SpendStatus = "success" | "failure";

/** One request's spend, as the proxy enqueues it after the response. */
export interface SpendLogEntry {
  /** The response's `x-llmgate-call-id`; a row already stored under it is skipped. */
  requestId: string;
  /** The response body's `id`. */
  responseId?: string | null;
  /** `acompletion`, `aembedding`, ... (LiteLLM's names). */
  callType: string;
  /** SHA-256 hash of the key used. */
  apiKey?: string | null;
  userId?: string | null;
  teamId?: string | null;
  modelGroup?: string | null;
  /** The upstream model. */
  model?: string | null;
  deploymentId?: string | null;
  promptTokens: number;
  completionTokens: number;
  /** Defaults to prompt + completion tokens. */
  totalTokens?: number;
  spend: number;
  status: SpendStatus;
  errorCode?: string | null;
  startTime: Date | string;
  endTime: Date | string;
  /** Defaults to endTime - startTime. */
  latencyMs?: number | null;
  metadata?: Record<string, unknown>;
  /** The response cache answered (no upstream call, no cost). */
  cacheHit?: boolean;
}

export interface SpendLogRecord {
  requestId: string;
  responseId: string | null;
  callType: string;
  apiKey: string | null;
  userId: string | null;
  teamId: string | null;
  modelGroup: string | null;
  model: string | null;
  deploymentId: string | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  spend: number;
  status: SpendStatus;
  errorCode: string | null;
  startTime: string;
  endTime: string;
  latencyMs: number | null;
  metadata: Record<string, unknown>;
  cacheHit: boolean;
}

/**
 * A time range. Both ends are inclusive; a date-only end (`2025-03-01`) covers that whole UTC day.
 * Dates and ISO timestamps are accepted.
 */
export interface DateRange {
  startDate?: Date | string;
  endDate?: Date | string;
}

export interface SpendLogFilter extends DateRange {
  requestId?: string;
  apiKey?: string;
  userId?: string;
  teamId?: string;
  /** The model group the client asked for, or the upstream model. */
  model?: string;
  status?: SpendStatus;
  /** Default 100, at most 1000; newest first. */
  limit?: number;
  offset?: number;
}

export interface SpendTotals {
  spend: number;
  promptTokens: number;
  completionTokens: number;
  requests: number;
}

export type SpendReportGroup = "model" | "key" | "team" | "user";

export interface DailySpendRow extends SpendTotals {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  /** The model group, key hash, team or user id; null where the request had none. */
  group: string | null;
}

export interface InsertBatchResult {
  inserted: number;
  /** Entries whose request id was already stored (a retried batch), or repeated in the batch. */
  skipped: number;
}

export interface SpendStore {
  /**
   * Stores the entries in one transaction: the spend-log rows, the daily aggregates, and the spend
   * of the keys, users and teams they name. All or nothing; safe to retry.
   */
  insertBatch(entries: readonly SpendLogEntry[]): Promise<InsertBatchResult>;
  queryLogs(filter?: SpendLogFilter): Promise<SpendLogRecord[]>;
  globalSpend(range?: DateRange): Promise<SpendTotals>;
  dailyReport(options: DateRange & { groupBy: SpendReportGroup }): Promise<DailySpendRow[]>;
}
