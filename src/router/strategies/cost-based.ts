import { type Candidate, pickLowest, type RoutingStrategy, type StrategyContext } from "./strategy.js";

/** Cost of a request of one input and one output token; unknown costs sort last. */
function costOf(candidate: Candidate): number {
  const { inputCost, outputCost } = candidate.deployment;
  if (inputCost === undefined && outputCost === undefined) return Number.POSITIVE_INFINITY;
  return (inputCost ?? 0) + (outputCost ?? 0);
}

/**
 * `cost-based-routing`: the cheapest deployment by `input_cost_per_token + output_cost_per_token`
 * (from `model_info`, else `litellm_params`), ties at random.
 */
export function createCostBased(): RoutingStrategy {
  return {
    name: "cost-based-routing",
    enforcesLimits: false,
    select(candidates: readonly Candidate[], context: StrategyContext): Candidate | undefined {
      return pickLowest(candidates, costOf, context.random);
    },
  };
}
