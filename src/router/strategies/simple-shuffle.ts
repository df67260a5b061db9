import type { Candidate, RoutingStrategy, StrategyContext } from "./strategy.js";

type WeightKey = "weight" | "rpm" | "tpm";

function weightKeyOf(candidates: readonly Candidate[]): WeightKey | undefined {
  for (const key of ["weight", "rpm", "tpm"] as const) {
    for (const candidate of candidates) if ((candidate.deployment[key] ?? 0) > 0) return key;
  }
  return undefined;
}

/**
 * `simple-shuffle`: a random deployment, weighted by `weight`, else by `rpm`, else by `tpm`
 * (a deployment without the field weighs 0), else uniform.
 */
export function createSimpleShuffle(): RoutingStrategy {
  return {
    name: "simple-shuffle",
    enforcesLimits: false,
    select(candidates: readonly Candidate[], context: StrategyContext): Candidate | undefined {
      if (candidates.length <= 1) return candidates[0];
      const key = weightKeyOf(candidates);
      if (key === undefined) return candidates[Math.floor(context.random() * candidates.length)];
      let total = 0;
      for (const candidate of candidates) total += Math.max(0, candidate.deployment[key] ?? 0);
      let point = context.random() * total;
      for (const candidate of candidates) {
        point -= Math.max(0, candidate.deployment[key] ?? 0);
        if (point < 0) return candidate;
      }
      return candidates[candidates.length - 1];
    },
  };
}
