import type { LlmgateError } from "../errors/index.js";
import { isContentPolicyViolation, isContextWindowExceeded } from "./error-kind.js";
import type { FallbackOptions } from "./settings.js";

/** Client mistakes that another model group would refuse too (bad params, too large, budget). */
export function shouldFallBack(error: LlmgateError): boolean {
  if (isContextWindowExceeded(error) || isContentPolicyViolation(error)) return true;
  if (error.type === "budget_exceeded") return false;
  return !(error.status === 400 || error.status === 413 || error.status === 422);
}

/**
 * The groups to try after `groupName` failed with `error`: `context_window_fallbacks` or
 * `content_policy_fallbacks` for those errors, else the request's own fallbacks, else `fallbacks`
 * (the group's entry, then a `*` entry), else `default_fallbacks`.
 */
export function fallbackTargets(
  options: FallbackOptions,
  groupNames: readonly string[],
  error: LlmgateError,
  requestFallbacks: readonly string[] | undefined,
): readonly string[] {
  const lookup = (map: ReadonlyMap<string, readonly string[]>) => {
    for (const name of groupNames) {
      const targets = map.get(name);
      if (targets !== undefined) return targets;
    }
    return undefined;
  };
  if (isContextWindowExceeded(error)) {
    const targets = lookup(options.contextWindow);
    if (targets !== undefined) return targets;
  } else if (isContentPolicyViolation(error)) {
    const targets = lookup(options.contentPolicy);
    if (targets !== undefined) return targets;
  }
  if (requestFallbacks !== undefined) return requestFallbacks;
  return lookup(options.generic) ?? options.generic.get("*") ?? options.defaults;
}
