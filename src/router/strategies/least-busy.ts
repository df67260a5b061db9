import { type Candidate, pickLowest, type RoutingStrategy, type StrategyContext } from "./strategy.js";

const inFlightOf = (candidate: Candidate): number => candidate.usage.inFlight;

/** `least-busy`: the deployment with the fewest requests in flight, ties at random. */
export function createLeastBusy(): RoutingStrategy {
  return {
    name: "least-busy",
    enforcesLimits: false,
    select(candidates: readonly Candidate[], context: StrategyContext): Candidate | undefined {
      return pickLowest(candidates, inFlightOf, context.random);
    },
  };
}
