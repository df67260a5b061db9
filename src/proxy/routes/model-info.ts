import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from "fastify";
import type { DeploymentInfo, HealthReport, ModelGroupInfo } from "../../router/index.js";
import { canUseModel } from "../access.js";

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
  const deploymentsHandler = async (request: FastifyRequest) => ({
    data: (await router.deploymentsInfo()).filter((info) => canUseModel(request.identity, info.model_name)),
  });
  const groupsHandler = async (request: FastifyRequest) => ({
    data: router.modelGroupInfo().filter((info) => canUseModel(request.identity, info.model_group)),
  });
  // Costs a request to every deployment: the master key only.
  const healthHandler = async () => router.healthCheck();
  for (const prefix of ["", "/v1"]) {
    app.get(`${prefix}/model/info`, { onRequest: auth }, deploymentsHandler);
    app.get(`${prefix}/model_group/info`, { onRequest: auth }, groupsHandler);
    app.get(`${prefix}/health`, { onRequest: [guards.adminOnly] }, healthHandler);
  }
}
