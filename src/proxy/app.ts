import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { ResponseCache } from "../cache/index.js";
import type { LlmgateConfig } from "../config/index.js";
import { logDestination } from "../observability/log-format.js";
import { MemoryResponseStore, type ResponseStore } from "../store/index.js";
import type { DatabaseStatus } from "./database-connection.js";
import { Drain } from "./drain.js";
import { createAuthGuards } from "./hooks/auth.js";
import { assignCallId } from "./hooks/call-id.js";
import {
  createErrorHandler,
  handleClientError,
  handleFrameworkError,
  handleNotFound,
} from "./hooks/errors.js";
import { registerJsonBodyParser } from "./hooks/json-body.js";
import { registerReceiveTimeout } from "./hooks/receive-timeout.js";
import type { IdentityCache } from "./identity-cache.js";
import type { LimitCounters } from "./limits/types.js";
import { registerManagementRoutes } from "./management/index.js";
import type { ManagementDependencies } from "./management/types.js";
import type { ProxyMetrics } from "./metrics.js";
import { localMetrics, type MetricsSource } from "./metrics-cluster.js";
import { registerAnthropicMessagesRoutes } from "./routes/anthropic-messages.js";
import { registerCacheRoutes } from "./routes/cache.js";
import { registerHealthProbes } from "./routes/health.js";
import { registerModelCallRoutes } from "./routes/model-calls.js";
import { registerModelInfoRoutes } from "./routes/model-info.js";
import { registerModelRoutes } from "./routes/models.js";
import { registerResponsesRoutes } from "./routes/responses.js";
import { registerUiRoutes } from "./routes/ui.js";
import type { SpendTracker } from "./spend-tracker.js";
import { timeOrderedUuid } from "./time-ordered-id.js";
import type { ProxyRouter } from "./types.js";
import { createUiSessions } from "./ui/session.js";
import { DEFAULT_UI_DIRECTORY, loadStaticFiles, type StaticFile } from "./ui/static-files.js";

export interface AppDependencies {
  config: LlmgateConfig;
  router: ProxyRouter;
  limits: LimitCounters;
  spend: SpendTracker;
  metrics: ProxyMetrics;
  /** What `/metrics` serves; default: this process's registry. */
  metricsSource?: MetricsSource | undefined;
  /** Virtual keys; undefined when the proxy has no master key (it is open). */
  identities: IdentityCache | undefined;
  /** The management API (`/key/*`, `/user/*`, `/team/*`, `/spend/*`), when there is a store. */
  management: ManagementDependencies | undefined;
  /** Stored Responses (`store: true`); default: kept in this process only. */
  responses?: ResponseStore | undefined;
  forcedModel?: string | undefined;
  logLevel?: string;
  /** Whether the store's database answers; readiness is 503 while it does not. Default: connected. */
  databaseStatus?: () => DatabaseStatus;
  /** The response cache, when `litellm_settings.cache` is on. */
  cache?: ResponseCache | undefined;
  /** The admin UI's files; default: the built `dist/ui`. */
  uiFiles?: Map<string, StaticFile>;
}

const BYTES_PER_MB = 1024 * 1024;

declare module "fastify" {
  interface FastifyInstance {
    /** The graceful shutdown of this app's server (see drain.ts). */
    drain: Drain;
  }
}

/** Assembles hooks and routes; no business logic lives here. */
export function createApp(dependencies: AppDependencies): FastifyInstance {
  const { config, router } = dependencies;
  const bodyLimitBytes = Math.floor(config.general_settings.max_request_size_mb * BYTES_PER_MB);
  const app = Fastify({
    bodyLimit: bodyLimitBytes,
    // Each request's log lines carry its call id (the `x-llmgate-call-id` header, the spend row's id).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "call_id" }),
    // Time-ordered: the call id is spend_logs' primary key (see timeOrderedUuid).
    genReqId: timeOrderedUuid,
    return503OnClosing: true,
    clientErrorHandler: handleClientError,
    frameworkErrors: handleFrameworkError,
    // Model names in `/engines/{model}/...` paths may be long (`org/model-name-with-details`).
    routerOptions: { maxParamLength: 1000 },
    logger: {
      level: dependencies.logLevel ?? "info",
      stream: logDestination(config.litellm_settings.json_logs === true ? "json" : "text"),
      redact: ["req.headers.authorization", 'req.headers["x-api-key"]', 'req.headers["api-key"]'],
    },
  });
  registerJsonBodyParser(app);
  // Declared with a primitive (fastify refuses shared objects); the auth guards set it on every
  // route that reads it.
  app.decorateRequest("identity" as never, null as never);
  app.decorateRequest("callId", "");
  app.decorateRequest("callStartedAt", 0);
  const drain = new Drain(app.server);
  app.decorate("drain", drain);
  app.addHook("onRequest", (_request, reply, done) => {
    drain.track(reply.raw);
    done();
  });
  registerReceiveTimeout(app, config.general_settings.client_request_timeout);
  app.setErrorHandler(createErrorHandler(bodyLimitBytes));
  app.setNotFoundHandler(handleNotFound);

  const masterKey = config.general_settings.master_key;
  const sessions = masterKey === undefined || masterKey === "" ? undefined : createUiSessions(masterKey);
  const guards = createAuthGuards(masterKey, dependencies.identities, sessions);
  let isReady = false;
  app.addHook("onReady", async () => {
    isReady = true;
  });
  const databaseStatus = dependencies.databaseStatus ?? (() => "connected");
  registerHealthProbes(
    app,
    () => {
      if (drain.isDraining) return "draining";
      if (!isReady) return "starting";
      return databaseStatus() === "connected" ? "healthy" : "waiting for the database";
    },
    databaseStatus,
  );
  const metricsSource = dependencies.metricsSource ?? localMetrics(dependencies.metrics.registry);
  app.get(
    "/metrics",
    {
      onRequest: config.general_settings.require_auth_for_metrics_endpoint === true ? guards.masterOnly : [],
    },
    async (_request, reply) => {
      reply.header("content-type", metricsSource.contentType);
      return metricsSource.text();
    },
  );
  app.register(async (scope) => {
    scope.addHook("onRequest", assignCallId);
    scope.addHook("onRequest", guards.anyKey);
    registerModelCallRoutes(scope, {
      router,
      limits: dependencies.limits,
      spend: dependencies.spend,
      metrics: dependencies.metrics,
      allowClientCredentials: config.general_settings.allow_client_side_credentials === true,
      forcedModel: dependencies.forcedModel,
      bodyLimitBytes,
      drain,
      cache: dependencies.cache,
    });
    registerModelRoutes(scope, router);
    registerResponsesRoutes(scope, {
      router,
      limits: dependencies.limits,
      spend: dependencies.spend,
      metrics: dependencies.metrics,
      allowClientCredentials: config.general_settings.allow_client_side_credentials === true,
      forcedModel: dependencies.forcedModel,
      bodyLimitBytes,
      drain,
      store: dependencies.responses ?? new MemoryResponseStore(),
    });
  });
  // Anthropic Messages in a scope of its own: its errors are rendered in Anthropic's shape.
  app.register(async (scope) => {
    scope.addHook("onRequest", assignCallId);
    scope.addHook("onRequest", guards.anyKey);
    registerAnthropicMessagesRoutes(scope, {
      router,
      limits: dependencies.limits,
      spend: dependencies.spend,
      metrics: dependencies.metrics,
      allowClientCredentials: config.general_settings.allow_client_side_credentials === true,
      forcedModel: dependencies.forcedModel,
      bodyLimitBytes,
      drain,
    });
  });
  // Claude Code checks the base URL with a `HEAD /` before its first request.
  app.head("/", async (_request, reply) => reply.code(200).send());
  registerModelInfoRoutes(app, router, guards);
  app.register(async (scope) => {
    scope.addHook("onRequest", assignCallId);
    registerCacheRoutes(scope, dependencies.cache, guards);
  });
  registerUiRoutes(app, {
    masterKey,
    sessions,
    username: process.env.UI_USERNAME,
    password: process.env.UI_PASSWORD,
    files: dependencies.uiFiles ?? loadStaticFiles(DEFAULT_UI_DIRECTORY),
  });
  if (dependencies.management !== undefined) {
    // `/key/info` lets a virtual key read itself; without a master key there are no virtual keys.
    const hasMasterKey = (config.general_settings.master_key ?? "") !== "";
    const anyKey = hasMasterKey ? guards.anyKey : guards.masterOnly;
    registerManagementRoutes(app, dependencies.management, { adminOnly: guards.masterOnly, anyKey });
  }
  return app;
}
