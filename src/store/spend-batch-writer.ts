import type { SpendLogsTable } from "./schema.js";

/**
 * Writes one batch of spend-log rows, whose request ids are unique within the batch, in one
 * transaction: the rows not stored yet, then the daily aggregates and the key, user and team spend
 * of those rows only (a retried batch must not count twice). Resolves with how many were inserted.
 * One implementation per dialect: each uses what is cheapest there.
 */
export interface SpendBatchWriter {
  write(rows: readonly SpendLogsTable[]): Promise<number>;
}
