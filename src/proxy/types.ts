import type { MessagesParams } from "../dialects/anthropic-messages/index.js";
import type { Operation, OperationTypes } from "../providers/types.js";
import type {
  Deployment,
  DeploymentInfo,
  HealthReport,
  MessagesRouteOutcome,
  ModelGroupInfo,
  RequestRoutingFields,
  RouteContext,
  RouteMeta,
  RouteOutcome,
} from "../router/index.js";

export type { RouteContext, RouteMeta, RouteOutcome };

/** The router as the proxy sees it (src/router implements it; tests may pass a fake). */
export interface ProxyRouter {
  route<K extends Operation>(
    operation: K,
    request: OperationTypes[K]["request"],
    context?: RouteContext,
  ): Promise<RouteOutcome<K>>;
  /** An Anthropic Messages request, routed as chat completions are (the /v1/messages route). */
  routeAnthropicMessages(
    request: MessagesParams & RequestRoutingFields,
    context?: RouteContext,
  ): Promise<MessagesRouteOutcome>;
  modelNames(): string[];
  hasModel(name: string): boolean;
  deployment(id: string): Deployment | undefined;
  deploymentsInfo(): Promise<DeploymentInfo[]>;
  modelGroupInfo(): ModelGroupInfo[];
  healthCheck(): Promise<HealthReport>;
  close(): Promise<void>;
}
