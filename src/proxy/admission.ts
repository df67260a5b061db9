import { RateLimitError } from "../errors/index.js";
import { callerLabelsOf } from "../observability/index.js";
import {
  applyKeyAlias,
  checkBudgets,
  checkModelAccess,
  currentSpend,
  isOverSoftBudget,
  limitScopes,
} from "./access.js";
import type { Identity } from "./identity.js";
import type { LimitCounters, LimitScope, LimitUsage } from "./limits/types.js";
import type { ProxyMetrics } from "./metrics.js";

export interface Admission {
  /** The model to route (after the key's aliases). */
  model: string;
  headers: Record<string, string>;
  /** Gives back the request's parallel slot; call once when the response is over. */
  release(): void;
}

const NOTHING_TO_RELEASE = () => {};

function rateLimitHeaders(usage: LimitUsage): Record<string, string> {
  const headers: Record<string, string> = {};
  if (usage.requests !== undefined) {
    headers["x-ratelimit-limit-requests"] = String(usage.requests.limit);
    headers["x-ratelimit-remaining-requests"] = String(usage.requests.remaining);
  }
  if (usage.tokens !== undefined) {
    headers["x-ratelimit-limit-tokens"] = String(usage.tokens.limit);
    headers["x-ratelimit-remaining-tokens"] = String(usage.tokens.remaining);
  }
  return headers;
}

/** A limit refusal: 429 with retry-after and the x-ratelimit-* headers. */
export class LimitRefusal extends RateLimitError {
  constructor(
    message: string,
    retryAfter: number,
    readonly headers: Record<string, string>,
  ) {
    super({ message, retryAfter, code: "rate_limit_exceeded" });
  }
}

/**
 * Whether a key may make this call now: its models, its (user's, team's) budgets, then its rate
 * limits, taken atomically. The master key and an open proxy pass without any of it.
 */
export async function admit(
  identity: Identity,
  requestedModel: string,
  limits: LimitCounters,
  metrics: ProxyMetrics,
  nowMs: number,
): Promise<Admission> {
  if (identity.kind !== "virtual") return { model: requestedModel, headers: {}, release: NOTHING_TO_RELEASE };
  const model = applyKeyAlias(identity, requestedModel);
  checkModelAccess(identity, model);
  const caller = callerLabelsOf(identity);
  try {
    checkBudgets(identity, nowMs);
  } catch (error) {
    metrics.budgetExceeded.inc({ key_alias: caller.keyAlias, team: caller.team });
    throw error;
  }
  const headers: Record<string, string> = {};
  if (isOverSoftBudget(identity, nowMs)) {
    metrics.softBudgetExceeded.inc();
    headers["x-llmgate-soft-budget-exceeded"] =
      `spend ${currentSpend(identity.key, nowMs)} >= soft_budget ${identity.key.softBudget}`;
  }
  const scopes: LimitScope[] = limitScopes(identity);
  if (scopes.length === 0) return { model, headers, release: NOTHING_TO_RELEASE };
  const result = await limits.acquire(scopes, nowMs);
  Object.assign(headers, rateLimitHeaders(result));
  if (!result.ok) {
    const scope = result.scopeId.split(":")[0] ?? "";
    metrics.rateLimited.inc({
      reason: result.reason,
      scope,
      key_alias: caller.keyAlias,
      team: caller.team,
    });
    const what = { rpm: "requests per minute", tpm: "tokens per minute", parallel: "parallel requests" }[
      result.reason
    ];
    throw new LimitRefusal(
      `rate limit reached for ${scope}: ${result.limit} ${what} (${result.reason === "parallel" ? "max_parallel_requests" : `${result.reason}_limit`}); retry after ${result.retryAfterSeconds}s`,
      result.retryAfterSeconds,
      headers,
    );
  }
  let isReleased = false;
  return {
    model,
    headers,
    release: () => {
      if (isReleased) return;
      isReleased = true;
      limits.release(scopes).catch(() => {});
    },
  };
}
