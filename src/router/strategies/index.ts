import { createCostBased } from "./cost-based.js";
import { createLatencyBased } from "./latency-based.js";
import { createLeastBusy } from "./least-busy.js";
import { createSimpleShuffle } from "./simple-shuffle.js";
import type { RoutingStrategy } from "./strategy.js";
import { createUsageBased } from "./usage-based.js";

export type { Candidate, RoutingStrategy, StrategyContext } from "./strategy.js";

/** The strategy named by `router_settings.routing_strategy` (default `simple-shuffle`). */
export function createStrategy(
  name: string | undefined,
  args: Record<string, unknown> | undefined,
): RoutingStrategy {
  switch (name ?? "simple-shuffle") {
    case "simple-shuffle":
      return createSimpleShuffle();
    case "least-busy":
      return createLeastBusy();
    case "latency-based-routing": {
      const buffer = args?.lowest_latency_buffer;
      return createLatencyBased({ buffer: typeof buffer === "number" ? buffer : 0 });
    }
    case "usage-based-routing":
    case "usage-based-routing-v2":
      return createUsageBased();
    case "cost-based-routing":
      return createCostBased();
    default:
      throw new TypeError(`unknown routing_strategy "${name}"`);
  }
}
