import Fastify, { type FastifyInstance, LogController, type onRequestHookHandler } from "fastify";
import type { LlmgateConfig } from "../config/index.js";
import { createMasterKeyHook } from "./hooks/auth.js";
import { createErrorHandler, handleNotFound } from "./hooks/errors.js";
import { registerHealthProbes } from "./routes/health.js";
import { registerModelCallRoutes } from "./routes/model-calls.js";
import { registerModelRoutes } from "./routes/models.js";
import type { ProxyRouter } from "./types.js";

export interface AppDependencies {
  config: LlmgateConfig;
  router: ProxyRouter;
  forcedModel?: string | undefined;
  logLevel?: string;
}

const BYTES_PER_MB = 1024 * 1024;

/** Assembles hooks and routes; no business logic lives here. */
export function createApp(dependencies: AppDependencies): FastifyInstance {
  const { config, router } = dependencies;
  const bodyLimitBytes = Math.floor(config.general_settings.max_request_size_mb * BYTES_PER_MB);
  const app = Fastify({
    bodyLimit: bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    logger: {
      level: dependencies.logLevel ?? "info",
      redact: ["req.headers.authorization", 'req.headers["x-api-key"]', 'req.headers["api-key"]'],
    },
  });
  // Clients that forget the content type (curl -d) still send JSON: parse any body as JSON.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("*", { parseAs: "string" }, (request, body, done) => {
    parseJson(request, typeof body === "string" ? body : body.toString("utf8"), done);
  });
  app.setErrorHandler(createErrorHandler(bodyLimitBytes));
  app.setNotFoundHandler(handleNotFound);

  const masterKeyHook = createMasterKeyHook(config.general_settings.master_key);
  const auth: onRequestHookHandler[] = masterKeyHook === undefined ? [] : [masterKeyHook];
  let isReady = false;
  app.addHook("onReady", async () => {
    isReady = true;
  });
  registerHealthProbes(app, () => isReady);
  app.register(async (scope) => {
    for (const hook of auth) scope.addHook("onRequest", hook);
    registerModelCallRoutes(scope, {
      router,
      allowClientCredentials: config.general_settings.allow_client_side_credentials === true,
      forcedModel: dependencies.forcedModel,
      bodyLimitBytes,
    });
  });
  registerModelRoutes(app, router, auth);
  app.addHook("onClose", async () => {
    await router.close();
  });
  return app;
}
