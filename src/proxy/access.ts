import { AuthenticationError, BudgetExceededError } from "../errors/index.js";
import { type LimitFields, nextResetAfter, parseDuration } from "../store/index.js";
import type { Identity } from "./identity.js";
import type { VirtualIdentity } from "./identity-cache.js";
import type { LimitScope } from "./limits/types.js";

/** LiteLLM's special entries of a `models` list meaning "no restriction". */
const ALL_MODELS = new Set(["all-proxy-models", "*"]);
const ALL_TEAM_MODELS = "all-team-models";

/** A key may be blocked, expired, or belong to a blocked team: each is a 401. */
export function checkKeyUsable(identity: VirtualIdentity, nowMs: number): void {
  const { key, team } = identity;
  const name = key.keyAlias ?? key.keyName ?? "this key";
  if (key.isBlocked) throw new AuthenticationError({ message: `${name} is blocked`, code: "key_blocked" });
  if (key.expires !== null && Date.parse(key.expires) <= nowMs) {
    throw new AuthenticationError({ message: `${name} expired at ${key.expires}`, code: "key_expired" });
  }
  if (team?.isBlocked === true) {
    throw new AuthenticationError({
      message: `the team ${team.teamAlias ?? team.teamId} of ${name} is blocked`,
      code: "team_blocked",
    });
  }
}

/** The model a key's `aliases` map the requested name to (LiteLLM's key-level model aliases). */
export function applyKeyAlias(identity: VirtualIdentity, model: string): string {
  return identity.key.aliases[model] ?? model;
}

function allows(
  models: readonly string[],
  model: string,
  teamModels: readonly string[] | undefined,
): boolean {
  if (models.length === 0) return true;
  for (const allowed of models) {
    if (allowed === model || ALL_MODELS.has(allowed)) return true;
    if (allowed === ALL_TEAM_MODELS) return teamModels === undefined || allows(teamModels, model, undefined);
  }
  return false;
}

/** The key's `models`, and its team's, must both allow the model; else a 401 naming both. */
export function checkModelAccess(identity: VirtualIdentity, model: string): void {
  const { key, team } = identity;
  if (!allows(key.models, model, team?.models)) {
    throw new AuthenticationError({
      message: `this key may not use model "${model}"; it may use: ${key.models.join(", ")}`,
      code: "model_not_allowed",
      param: "model",
    });
  }
  if (team !== undefined && !allows(team.models, model, undefined)) {
    throw new AuthenticationError({
      message: `team ${team.teamAlias ?? team.teamId} may not use model "${model}"; it may use: ${team.models.join(", ")}`,
      code: "model_not_allowed",
      param: "model",
    });
  }
}

/**
 * Starts a new budget period on a cached record once its `budget_reset_at` has passed: spend back to
 * 0 and the reset time moved on by whole `budget_duration` periods, as the store's reset job does.
 * Without it, a cached record past its reset time would show 0 forever (until the job ran and the
 * cache reloaded), so the new period's spend would never be counted against the budget.
 */
export function rollBudgetPeriod(record: LimitFields & { spend: number }, nowMs: number): void {
  if (record.budgetResetAt === null || Date.parse(record.budgetResetAt) > nowMs) return;
  const duration = record.budgetDuration === null ? undefined : parseDuration(record.budgetDuration);
  record.spend = 0;
  record.budgetResetAt =
    duration === undefined
      ? null
      : nextResetAfter(new Date(record.budgetResetAt), duration, new Date(nowMs)).toISOString();
}

/** Rolls the key's, user's and team's budget periods that have ended (see rollBudgetPeriod). */
export function rollBudgetPeriods(identity: VirtualIdentity, nowMs: number): void {
  rollBudgetPeriod(identity.key, nowMs);
  if (identity.user !== undefined) rollBudgetPeriod(identity.user, nowMs);
  if (identity.team !== undefined) rollBudgetPeriod(identity.team, nowMs);
}

/**
 * Whether a caller may use a model: always for the master key and an open proxy; for a virtual key
 * when its `models` and its team's allow it (the same rule checkModelAccess enforces, without
 * building the error).
 */
export function canUseModel(identity: Identity, model: string): boolean {
  if (identity.kind !== "virtual") return true;
  const { key, team } = identity;
  return (
    allows(key.models, model, team?.models) && (team === undefined || allows(team.models, model, undefined))
  );
}

/** Spend in the current budget period: 0 once `budget_reset_at` has passed. */
export function currentSpend(record: LimitFields & { spend: number }, nowMs: number): number {
  if (record.budgetResetAt !== null && Date.parse(record.budgetResetAt) <= nowMs) return 0;
  return record.spend;
}

function checkBudget(what: string, record: LimitFields & { spend: number }, nowMs: number): void {
  if (record.maxBudget === null) return;
  const spend = currentSpend(record, nowMs);
  if (spend < record.maxBudget) return;
  const resets = record.budgetResetAt === null ? "" : `; it resets at ${record.budgetResetAt}`;
  throw new BudgetExceededError({
    message: `budget exceeded for ${what}: spend $${spend} has reached max_budget $${record.maxBudget}${resets}`,
  });
}

/** Key, user and team budgets: the first one reached refuses the request (400 budget_exceeded). */
export function checkBudgets(identity: VirtualIdentity, nowMs: number): void {
  rollBudgetPeriods(identity, nowMs);
  const { key, user, team } = identity;
  checkBudget(`key ${key.keyAlias ?? key.keyName ?? key.tokenHash.slice(0, 12)}`, key, nowMs);
  if (user !== undefined) checkBudget(`user ${user.userId}`, user, nowMs);
  if (team !== undefined) checkBudget(`team ${team.teamAlias ?? team.teamId}`, team, nowMs);
}

export function isOverSoftBudget(identity: VirtualIdentity, nowMs: number): boolean {
  const softBudget = identity.key.softBudget;
  return softBudget !== null && currentSpend(identity.key, nowMs) >= softBudget;
}

function scopeOf(id: string, fields: LimitFields): LimitScope | undefined {
  if (fields.rpmLimit === null && fields.tpmLimit === null && fields.maxParallelRequests === null)
    return undefined;
  return {
    id,
    rpmLimit: fields.rpmLimit ?? undefined,
    tpmLimit: fields.tpmLimit ?? undefined,
    maxParallelRequests: fields.maxParallelRequests ?? undefined,
  };
}

/** The rate-limit scopes of a request: its key, user and team, those that set any limit. */
export function limitScopes(identity: VirtualIdentity): LimitScope[] {
  const scopes: LimitScope[] = [];
  const add = (scope: LimitScope | undefined) => {
    if (scope !== undefined) scopes.push(scope);
  };
  add(scopeOf(`key:${identity.tokenHash}`, identity.key));
  if (identity.user !== undefined) add(scopeOf(`user:${identity.user.userId}`, identity.user));
  if (identity.team !== undefined) add(scopeOf(`team:${identity.team.teamId}`, identity.team));
  return scopes;
}
