import type { Deployment } from "../deployment.js";
import type { LatencyTracker } from "../latency-tracker.js";
import type { DeploymentUsage } from "../state/router-state.js";

/** A deployment that may take the request, with its state at the moment of choosing. */
export interface Candidate {
  readonly deployment: Deployment;
  readonly usage: DeploymentUsage;
}

export interface StrategyContext {
  readonly random: () => number;
  readonly latency: LatencyTracker;
  readonly isStream: boolean;
  /** Prompt tokens, when they were counted (pre-call checks). */
  readonly inputTokens: number | undefined;
}

/** Chooses one of the available deployments of a group. Candidates are never empty. */
export interface RoutingStrategy {
  readonly name: string;
  /** True when `rpm`/`tpm` are hard limits: the router re-checks `rpm` atomically after choosing. */
  readonly enforcesLimits: boolean;
  /** `undefined` when no candidate may take the request (every one is at its limit). */
  select(candidates: readonly Candidate[], context: StrategyContext): Candidate | undefined;
}

/**
 * The candidate with the lowest score, ties broken at random (reservoir sampling: no allocation).
 * A `NaN` score excludes the candidate; undefined when every candidate is excluded.
 */
export function pickLowest(
  candidates: readonly Candidate[],
  score: (candidate: Candidate) => number,
  random: () => number,
): Candidate | undefined {
  let best: Candidate | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let ties = 0;
  for (const candidate of candidates) {
    const value = score(candidate);
    if (Number.isNaN(value)) continue;
    if (best === undefined || value < bestScore) {
      best = candidate;
      bestScore = value;
      ties = 1;
    } else if (value === bestScore) {
      ties++;
      if (random() * ties < 1) best = candidate;
    }
  }
  return best;
}
