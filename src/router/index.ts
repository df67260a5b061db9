export type { MessagesRouteOutcome } from "./anthropic-messages.js";
export type { Deployment } from "./deployment.js";
export type { HealthCheckOptions, HealthEndpoint, HealthReport } from "./health-check.js";
export { Router, type RouterDependencies } from "./router.js";
export { MemoryRouterState } from "./state/memory-state.js";
export { RedisOutageLog } from "./state/redis-outage.js";
export { RedisRouterState, type RedisStateOptions } from "./state/redis-state.js";
export type { DeploymentUsage, RouterState } from "./state/router-state.js";
export type * from "./types.js";
