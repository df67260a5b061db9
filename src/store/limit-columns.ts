import { toOptionalTimestamp } from "./codec.js";
import { addDuration, requireDuration } from "./duration.js";
import type { LimitFields } from "./key-store.js";

/** The budget and rate-limit columns keys, users and teams share. */
export interface LimitColumns {
  max_budget: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
}

export interface LimitChanges {
  maxBudget?: number | null;
  budgetDuration?: string | null;
  budgetResetAt?: Date | string | null;
  rpmLimit?: number | null;
  tpmLimit?: number | null;
  maxParallelRequests?: number | null;
}

export function limitFieldsFromRow(row: LimitColumns): LimitFields {
  return {
    maxBudget: row.max_budget,
    budgetDuration: row.budget_duration,
    budgetResetAt: row.budget_reset_at,
    rpmLimit: row.rpm_limit,
    tpmLimit: row.tpm_limit,
    maxParallelRequests: row.max_parallel_requests,
  };
}

/**
 * The columns to write for the given changes (absent fields untouched). A budget duration given
 * without a reset time starts a new period at `now`; clearing the duration clears the reset time.
 */
export function limitColumnsFromChanges(changes: LimitChanges, now: Date): Partial<LimitColumns> {
  const columns: Partial<LimitColumns> = {};
  if (changes.maxBudget !== undefined) columns.max_budget = changes.maxBudget;
  if (changes.rpmLimit !== undefined) columns.rpm_limit = changes.rpmLimit;
  if (changes.tpmLimit !== undefined) columns.tpm_limit = changes.tpmLimit;
  if (changes.maxParallelRequests !== undefined) columns.max_parallel_requests = changes.maxParallelRequests;
  if (changes.budgetDuration !== undefined) {
    columns.budget_duration = changes.budgetDuration;
    if (changes.budgetDuration === null) columns.budget_reset_at = null;
    else columns.budget_reset_at = addDuration(now, requireDuration(changes.budgetDuration)).toISOString();
  }
  if (changes.budgetResetAt !== undefined)
    columns.budget_reset_at = toOptionalTimestamp(changes.budgetResetAt);
  return columns;
}
