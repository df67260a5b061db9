/** A key request's fields as store changes, and the rules they must meet (team models, owners). */
import { BadRequestError } from "../../errors/index.js";
import {
  addDuration,
  type KeyChanges,
  requireDuration,
  StoreConflictError,
  type TeamRecord,
} from "../../store/index.js";
import type { KeyFields } from "./key-schemas.js";
import type { ManagementDependencies } from "./types.js";

/** The store changes a request's fields ask for; absent fields are left out, `null` clears. */
export function toKeyChanges(fields: KeyFields, now: Date): KeyChanges {
  const changes: KeyChanges = {};
  if (fields.key_alias !== undefined) changes.keyAlias = fields.key_alias;
  if (fields.models !== undefined) changes.models = fields.models ?? [];
  if (fields.max_budget !== undefined) changes.maxBudget = fields.max_budget;
  if (fields.soft_budget !== undefined) changes.softBudget = fields.soft_budget;
  if (fields.spend !== undefined && fields.spend !== null) changes.spend = fields.spend;
  if (fields.budget_duration !== undefined) changes.budgetDuration = fields.budget_duration;
  if (fields.rpm_limit !== undefined) changes.rpmLimit = fields.rpm_limit;
  if (fields.tpm_limit !== undefined) changes.tpmLimit = fields.tpm_limit;
  if (fields.max_parallel_requests !== undefined) changes.maxParallelRequests = fields.max_parallel_requests;
  if (fields.duration !== undefined) {
    changes.expires = fields.duration === null ? null : addDuration(now, requireDuration(fields.duration));
  }
  if (fields.user_id !== undefined) changes.userId = fields.user_id;
  if (fields.team_id !== undefined) changes.teamId = fields.team_id;
  if (fields.metadata !== undefined) changes.metadata = fields.metadata ?? {};
  if (fields.aliases !== undefined) changes.aliases = fields.aliases ?? {};
  if (fields.blocked !== undefined) changes.isBlocked = fields.blocked ?? false;
  return changes;
}

/** LiteLLM's wildcard in a team's model list: the team may use every model. */
const ALL_PROXY_MODELS = "all-proxy-models";

/** Models of `models` the team may not use (none when the team has no model list). */
export function modelsOutsideTeam(models: readonly string[], team: TeamRecord): string[] {
  if (team.models.length === 0 || team.models.includes(ALL_PROXY_MODELS)) return [];
  return models.filter((model) => !team.models.includes(model));
}

/**
 * Checks a key's team: it must exist, and the key's models must be among the team's. Returns the
 * team, or undefined for a key without one.
 */
export async function checkKeyTeam(
  dependencies: ManagementDependencies,
  teamId: string | null,
  models: readonly string[],
): Promise<TeamRecord | undefined> {
  if (teamId === null) return undefined;
  const team = await dependencies.stores.teams.findById(teamId);
  if (team === undefined) {
    throw new BadRequestError({
      message: `team_id "${teamId}" does not exist; create it with /team/new first`,
      param: "team_id",
      code: "invalid_value",
    });
  }
  const outside = modelsOutsideTeam(models, team);
  if (outside.length > 0) {
    throw new BadRequestError({
      message:
        `models ${outside.map((model) => `"${model}"`).join(", ")} are not allowed for team "${teamId}"; ` +
        `the team may use: ${team.models.join(", ")}`,
      param: "models",
      code: "invalid_value",
    });
  }
  return team;
}

/** Creates the user a key names when it does not exist yet, as LiteLLM does. */
export async function ensureUser(dependencies: ManagementDependencies, userId: string | null): Promise<void> {
  if (userId === null) return;
  if ((await dependencies.stores.users.findById(userId)) !== undefined) return;
  try {
    await dependencies.stores.users.create({ userId });
  } catch (error) {
    // Created meanwhile by another request: that is what we wanted.
    if (!(error instanceof StoreConflictError)) throw error;
  }
}
