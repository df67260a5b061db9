import type { TeamChanges } from "../../store/index.js";
import type { TeamFields } from "./team-schemas.js";

/** The store changes a team request's fields ask for; absent fields are left out, `null` clears. */
export function toTeamChanges(fields: TeamFields): TeamChanges {
  const changes: TeamChanges = {};
  if (fields.team_alias !== undefined) changes.teamAlias = fields.team_alias;
  if (fields.models !== undefined) changes.models = fields.models ?? [];
  if (fields.max_budget !== undefined) changes.maxBudget = fields.max_budget;
  if (fields.budget_duration !== undefined) changes.budgetDuration = fields.budget_duration;
  if (fields.rpm_limit !== undefined) changes.rpmLimit = fields.rpm_limit;
  if (fields.tpm_limit !== undefined) changes.tpmLimit = fields.tpm_limit;
  if (fields.max_parallel_requests !== undefined) changes.maxParallelRequests = fields.max_parallel_requests;
  if (fields.metadata !== undefined) changes.metadata = fields.metadata ?? {};
  if (fields.blocked !== undefined) changes.isBlocked = fields.blocked ?? false;
  return changes;
}
