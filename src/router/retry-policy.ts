import type { LlmgateError } from "../errors/index.js";
import { MAX_RETRY_AFTER_SECONDS, retryDelayMs } from "../sdk/retry.js";
import { errorKindOf } from "./error-kind.js";
import type { RetryOptions } from "./settings.js";

/** Errors that one deployment may give and another not (its key, its model): worth trying a sibling. */
const DEPLOYMENT_SPECIFIC_STATUSES: ReadonlySet<number> = new Set([401, 403, 404]);

export interface RetryDecision {
  /** Retries allowed after this error, in total for the group. */
  retries: number;
  /** True when a retry may only go to another deployment (the same one would fail again). */
  needsOtherDeployment: boolean;
}

/**
 * How often an error may be retried: `retry_policy` (per group, then the router's) by error class;
 * else the request's, the deployment's or the router's `num_retries` for a retryable error; a
 * 401/403/404 may move to another deployment; anything else is not retried.
 */
export function decideRetry(
  error: LlmgateError,
  options: RetryOptions,
  groupName: string,
  numRetries: number,
): RetryDecision {
  const policy = options.groupPolicies?.[groupName] ?? options.policy;
  const kind = errorKindOf(error);
  const fromPolicy = kind === undefined ? undefined : policy?.[`${kind}Retries`];
  if (fromPolicy !== undefined) return { retries: fromPolicy, needsOtherDeployment: false };
  if (error.retryAfter !== undefined && error.retryAfter > MAX_RETRY_AFTER_SECONDS) {
    return { retries: numRetries, needsOtherDeployment: true };
  }
  if (error.isRetryable) return { retries: numRetries, needsOtherDeployment: false };
  if (DEPLOYMENT_SPECIFIC_STATUSES.has(error.status))
    return { retries: numRetries, needsOtherDeployment: true };
  return { retries: 0, needsOtherDeployment: false };
}

/** Milliseconds before retrying the same deployment: backoff with jitter, at least `retry-after`. */
export function retryDelay(
  retryIndex: number,
  error: LlmgateError,
  options: RetryOptions,
  random: () => number,
): number {
  return Math.max(retryDelayMs(retryIndex, error.retryAfter, random), options.minRetryAfterSeconds * 1000);
}
