import type { UserChanges } from "../../store/index.js";
import type { UserFields } from "./user-schemas.js";

/** The store changes a user request's fields ask for; absent fields are left out, `null` clears. */
export function toUserChanges(fields: UserFields): UserChanges {
  const changes: UserChanges = {};
  if (fields.user_email !== undefined) changes.userEmail = fields.user_email;
  if (fields.user_role !== undefined) changes.userRole = fields.user_role;
  if (fields.models !== undefined) changes.models = fields.models ?? [];
  if (fields.max_budget !== undefined) changes.maxBudget = fields.max_budget;
  if (fields.budget_duration !== undefined) changes.budgetDuration = fields.budget_duration;
  if (fields.rpm_limit !== undefined) changes.rpmLimit = fields.rpm_limit;
  if (fields.tpm_limit !== undefined) changes.tpmLimit = fields.tpm_limit;
  if (fields.max_parallel_requests !== undefined) changes.maxParallelRequests = fields.max_parallel_requests;
  if (fields.spend !== undefined && fields.spend !== null) changes.spend = fields.spend;
  if (fields.metadata !== undefined) changes.metadata = fields.metadata ?? {};
  return changes;
}
