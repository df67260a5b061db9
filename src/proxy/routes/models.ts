import type { FastifyInstance, FastifyRequest } from "fastify";
import { NotFoundError } from "../../errors/index.js";
import type { Model } from "../../openai/types.js";
import { canUseModel } from "../access.js";
import type { Identity } from "../identity.js";
import type { ProxyRouter } from "../types.js";

/** The model names a caller may use: all of them, or those its key (and team) allow. */
function visibleModels(router: ProxyRouter, identity: Identity): string[] {
  return router.modelNames().filter((name) => !name.includes("*") && canUseModel(identity, name));
}

/**
 * GET /models and /v1/models: OpenAI's list shape, one entry per model name the caller may use.
 * Registered in the authenticated scope.
 */
export function registerModelRoutes(app: FastifyInstance, router: ProxyRouter): void {
  const created = Math.floor(Date.now() / 1000);
  const toModel = (id: string): Model => ({ id, object: "model", created, owned_by: "llmgate" });
  const list = async (request: FastifyRequest) => ({
    object: "list",
    data: visibleModels(router, request.identity).map(toModel),
  });
  for (const path of ["/models", "/v1/models"]) app.get(path, list);
  for (const path of ["/models/:model", "/v1/models/:model"]) {
    app.get(path, async (request) => {
      const id = (request.params as { model: string }).model;
      if (!visibleModels(router, request.identity).includes(id)) {
        throw new NotFoundError({
          message: `model "${id}" not found`,
          param: "model",
          code: "model_not_found",
        });
      }
      return toModel(id);
    });
  }
}
