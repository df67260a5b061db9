import type { LatencyTracker } from "./latency-tracker.js";
import type { ModelGroups } from "./model-groups.js";
import type { RouterOptions } from "./settings.js";
import type { RouterState } from "./state/router-state.js";
import type { RoutingStrategy } from "./strategies/index.js";
import type { TokenCounter } from "./token-counter.js";
import type { CallFunction, RouterLogger } from "./types.js";

/** Everything a routing decision reads, built once by the Router and passed down. */
export interface RouterRuntime {
  readonly groups: ModelGroups;
  readonly options: RouterOptions;
  readonly state: RouterState;
  readonly strategy: RoutingStrategy;
  readonly latency: LatencyTracker;
  readonly tokens: TokenCounter;
  readonly call: CallFunction;
  /** True for the SDK's own call, which enforces `timeout` and abort signals itself. */
  readonly callEnforcesTimeouts: boolean;
  readonly clock: () => number;
  readonly random: () => number;
  readonly sleep: (milliseconds: number, signal: AbortSignal | undefined) => Promise<void>;
  readonly env: NodeJS.ProcessEnv | undefined;
  /** Passed to each call (CallContext.parseLazily). */
  readonly parseLazily: boolean;
  /** Passed to each call (CallContext.maxResponseBytes). */
  readonly maxResponseBytes: number | undefined;
  readonly logger: RouterLogger;
}

/** Runs a state write off the request path; a failure is logged, never thrown. */
export function inBackground(runtime: RouterRuntime, write: Promise<unknown>, operation: string): void {
  write.catch((error: unknown) => runtime.logger.warn({ error, operation }, "router state write failed"));
}
