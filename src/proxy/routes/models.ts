import type { FastifyInstance, onRequestHookHandler } from "fastify";
import type { Model } from "../../openai/types.js";
import type { ProxyRouter } from "../types.js";

/** GET /models and /v1/models: OpenAI's list shape, one entry per model name the proxy serves. */
export function registerModelRoutes(
  app: FastifyInstance,
  router: ProxyRouter,
  auth: onRequestHookHandler[],
): void {
  const created = Math.floor(Date.now() / 1000);
  const handler = async () => ({
    object: "list",
    data: router.modelNames().map((id): Model => ({ id, object: "model", created, owned_by: "llmgate" })),
  });
  for (const path of ["/models", "/v1/models"]) app.get(path, { onRequest: auth }, handler);
  for (const path of ["/models/:model", "/v1/models/:model"]) {
    app.get(path, { onRequest: auth }, async (request, reply) => {
      const id = (request.params as { model: string }).model;
      if (!router.modelNames().includes(id)) {
        return reply.code(404).send({
          error: {
            message: `model "${id}" not found`,
            type: "invalid_request_error",
            param: "model",
            code: "model_not_found",
          },
        });
      }
      return { id, object: "model", created, owned_by: "llmgate" } satisfies Model;
    });
  }
}
