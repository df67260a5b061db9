import type { FastifyInstance, onRequestHookHandler } from "fastify";
import type { DeploymentInfo, HealthReport, ModelGroupInfo } from "../../router/index.js";

export interface ModelInfoSource {
  deploymentsInfo(): Promise<DeploymentInfo[]>;
  modelGroupInfo(): ModelGroupInfo[];
  healthCheck(): Promise<HealthReport>;
}

/**
 * `/model/info` (each deployment, its public params and live state), `/model_group/info` (one entry
 * per group) and `/health` (a tiny request to every deployment). All need a key (`/health` the master
 * key); none shows a secret.
 */
export function registerModelInfoRoutes(
  app: FastifyInstance,
  router: ModelInfoSource,
  guards: { anyKey: onRequestHookHandler; adminOnly: onRequestHookHandler },
): void {
  const auth = [guards.anyKey];
  const deploymentsHandler = async () => ({ data: await router.deploymentsInfo() });
  for (const path of ["/model/info", "/v1/model/info"])
    app.get(path, { onRequest: auth }, deploymentsHandler);
  const groupsHandler = async () => ({ data: router.modelGroupInfo() });
  for (const path of ["/model_group/info", "/v1/model_group/info"])
    app.get(path, { onRequest: auth }, groupsHandler);
  // Costs a request to every deployment: the master key only.
  app.get("/health", { onRequest: [guards.adminOnly] }, async () => router.healthCheck());
}
