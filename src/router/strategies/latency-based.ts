import type { Candidate, RoutingStrategy, StrategyContext } from "./strategy.js";

export interface LatencyBasedOptions {
  /**
   * `lowest_latency_buffer`: deployments within (1 + buffer) x the lowest latency share the load,
   * so near-equal deployments are not starved by noise. 0 sends everything to the fastest.
   */
  buffer: number;
}

/**
 * `latency-based-routing`: the deployment with the lowest recent latency (time to first chunk for
 * streams). A deployment without measurements counts as 0, so each one gets tried.
 */
export function createLatencyBased(options: LatencyBasedOptions): RoutingStrategy {
  const buffer = Math.max(0, options.buffer);
  return {
    name: "latency-based-routing",
    enforcesLimits: false,
    select(candidates: readonly Candidate[], context: StrategyContext): Candidate | undefined {
      if (candidates.length <= 1) return candidates[0];
      const latencyOf = (candidate: Candidate) =>
        context.latency.latency(candidate.deployment.id, context.isStream) ?? 0;
      let lowest = Number.POSITIVE_INFINITY;
      for (const candidate of candidates) lowest = Math.min(lowest, latencyOf(candidate));
      const limit = lowest * (1 + buffer);
      let chosen: Candidate | undefined;
      let eligible = 0;
      for (const candidate of candidates) {
        if (latencyOf(candidate) > limit) continue;
        eligible++;
        if (context.random() * eligible < 1) chosen = candidate;
      }
      return chosen;
    },
  };
}
