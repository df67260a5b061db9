import type { LlmgateError } from "../errors/index.js";
import type { Operation, OperationTypes } from "../providers/types.js";
import type { Deployment, DeploymentInfo, HealthReport, ModelGroupInfo } from "../router/index.js";
import type { CallResult } from "../sdk/types.js";

/** What the router tells the proxy about one routed request, rendered as `x-llmgate-*` headers. */
export interface RouteMeta {
  modelGroup: string | undefined;
  deploymentId: string | undefined;
  attemptedRetries: number;
  attemptedFallbacks: number;
  maxRetries: number;
  timeout: number | undefined;
}

export type RouteOutcome<K extends Operation> = { meta: RouteMeta } & (
  | { ok: true; result: CallResult<K> }
  | { ok: false; error: LlmgateError }
);

export interface RouteContext {
  signal?: AbortSignal;
  timeout?: number;
  streamTimeout?: number;
  numRetries?: number;
}

/** The router as the proxy sees it (src/router implements it). */
export interface ProxyRouter {
  route<K extends Operation>(
    operation: K,
    request: OperationTypes[K]["request"],
    context?: RouteContext,
  ): Promise<RouteOutcome<K>>;
  modelNames(): string[];
  hasModel(name: string): boolean;
  deployment(id: string): Deployment | undefined;
  deploymentsInfo(): Promise<DeploymentInfo[]>;
  modelGroupInfo(): ModelGroupInfo[];
  healthCheck(): Promise<HealthReport>;
  close(): Promise<void>;
}
