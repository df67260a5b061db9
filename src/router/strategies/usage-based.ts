import { type Candidate, pickLowest, type RoutingStrategy, type StrategyContext } from "./strategy.js";

/**
 * True when one more request (with its prompt tokens, at least one when they were not counted)
 * stays within the deployment's rpm and tpm.
 */
function hasRoom(candidate: Candidate, inputTokens: number): boolean {
  const { rpm, tpm } = candidate.deployment;
  if (rpm !== undefined && candidate.usage.requests + 1 > rpm) return false;
  if (tpm !== undefined && candidate.usage.tokens + Math.max(inputTokens, 1) > tpm) return false;
  return true;
}

/**
 * `usage-based-routing` (and `-v2`): the deployment with the fewest tokens used this minute, then
 * the fewest requests; a deployment at its `rpm` or `tpm` limit is skipped. The router re-checks
 * `rpm` with an atomic increment after choosing, so concurrent requests cannot overshoot it.
 */
export function createUsageBased(): RoutingStrategy {
  return {
    name: "usage-based-routing",
    enforcesLimits: true,
    select(candidates: readonly Candidate[], context: StrategyContext): Candidate | undefined {
      const inputTokens = context.inputTokens ?? 0;
      return pickLowest(
        candidates,
        (candidate) =>
          hasRoom(candidate, inputTokens)
            ? candidate.usage.tokens * 1_000_000 + candidate.usage.requests
            : Number.NaN,
        context.random,
      );
    },
  };
}
