import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import {
  cacheSettingsOf,
  createCacheMetrics,
  createResponseCache,
  type ResponseCache,
} from "../cache/index.js";
import { type DeploymentConfig, type LlmgateConfig, parseConfig } from "../config/index.js";
import { CallbackHub, CallObservers, unsupportedCallbacks } from "../observability/index.js";
import { cliLogLine, type LogFormat } from "../observability/log-format.js";
import { RedisOutageLog, Router } from "../router/index.js";
import {
  createSqlStores,
  type Database,
  resetExpiredBudgets,
  type SpendLogEntry,
  SpendQueue,
  SqlResponseStore,
} from "../store/index.js";
import { createApp } from "./app.js";
import { connectDatabase } from "./database-connection.js";
import { masterKeyMatcher } from "./hooks/auth.js";
import { IdentityCache } from "./identity-cache.js";
import { FallbackLimitCounters } from "./limits/fallback.js";
import { MemoryLimitCounters } from "./limits/memory.js";
import { RedisLimitCounters } from "./limits/redis.js";
import type { LimitCounters } from "./limits/types.js";
import { ProxyMetrics } from "./metrics.js";
import { clusterMetrics, localMetrics } from "./metrics-cluster.js";
import { PrimaryChannel } from "./shared-counts/ipc.js";
import { PrimaryLimitCounters, PrimaryRouterState } from "./shared-counts/primary-counts.js";
import { WorkerBus } from "./shared-counts/worker-bus.js";
import { CacheInvalidation, connectRedis, redisUrlOf } from "./shared-state.js";
import { SpendTracker } from "./spend-tracker.js";

/** A config as an embedding app writes it: the YAML file's shape, sections optional. */
export interface ConfigInput {
  model_list: readonly unknown[];
  litellm_settings?: Record<string, unknown>;
  router_settings?: Record<string, unknown>;
  general_settings?: Record<string, unknown>;
  environment_variables?: Record<string, string>;
}

export interface ProxyOptions {
  /** Quick mode (`--model`): every request goes to this model. */
  forcedModel?: string | undefined;
  logLevel?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Where the default SQLite file `llmgate.db` lives (the config file's folder). */
  configDir?: string;
  /** The caller has reported the config's warnings already (the CLI, with file and line). */
  hasReportedConfigWarnings?: boolean;
  /**
   * A worker of `--num_workers` without Redis: rate limits, cooldowns and deployment usage are
   * counted by the primary process (over the cluster's IPC channel), so that they hold across workers.
   */
  countsThroughPrimary?: boolean;
  /**
   * A worker of `--num_workers`: the spend it counts (and, without Redis, cache invalidations) reach
   * the other workers at once through the primary, so a budget holds across workers.
   */
  sharesWithWorkers?: boolean;
}

export interface ProxyServer {
  app: FastifyInstance;
  listen(port: number, host: string): Promise<string>;
  /**
   * Graceful shutdown: stops accepting, answers open requests (for up to
   * `general_settings.graceful_shutdown_timeout` seconds, then stops them with a clean 503),
   * closes connections, writes queued spend, closes the stores.
   */
  close(): Promise<void>;
  /** The last flush attempt before a forced exit (a second signal): resolves the rows left unwritten. */
  flushSpend(timeoutMs: number): Promise<number>;
}

const DEFAULT_CACHE_TTL_SECONDS = 5;
const DEFAULT_BATCH_WRITE_SECONDS = 10;
const DEFAULT_BUDGET_RESET_SECONDS = 60;
const SHUTDOWN_FLUSH_TIMEOUT_MS = 30_000;

type LogFields = Record<string, unknown>;

/**
 * The app's logger, for dependencies made before the app: what they report before it exists
 * (a Redis or database error during start-up) goes to stderr.
 */
function createLateLogger(format: LogFormat) {
  let target: FastifyBaseLogger | undefined;
  const write =
    (level: "error" | "warn" | "info") =>
    (fields: LogFields, message: string): void => {
      if (target !== undefined) target[level](fields, message);
      else process.stderr.write(cliLogLine(format, level, `${message} ${String(fields.err ?? "")}`.trim()));
    };
  return {
    bind: (logger: FastifyBaseLogger) => {
      target = logger;
    },
    error: write("error"),
    warn: write("warn"),
    info: write("info"),
  };
}

/** `litellm_settings.drop_params` applies to every deployment that does not say otherwise. */
function withGlobalDefaults(config: LlmgateConfig): DeploymentConfig[] {
  const dropParams = config.litellm_settings.drop_params;
  if (dropParams === undefined) return config.model_list;
  return config.model_list.map((deployment) =>
    deployment.litellm_params.drop_params === undefined
      ? { ...deployment, litellm_params: { ...deployment.litellm_params, drop_params: dropParams } }
      : deployment,
  );
}

/** The response cache of `litellm_settings.cache` / `cache_params`, with its metrics; undefined when off. */
async function buildResponseCache(
  config: LlmgateConfig,
  env: NodeJS.ProcessEnv,
  log: ReturnType<typeof createLateLogger>,
  metrics: ProxyMetrics,
): Promise<ResponseCache | undefined> {
  const { cache: isOn, cache_params: params } = config.litellm_settings;
  if (isOn !== true) return undefined;
  const settings = cacheSettingsOf(params, env);
  if (settings === undefined) return undefined;
  const observer = createCacheMetrics(metrics.registry);
  const cache = await createResponseCache(settings, { logger: log, observer });
  observer.watch(cache);
  return cache;
}

/**
 * Builds the dependencies from a validated config (router, database, caches, counters, queue) and
 * assembles the server, not yet listening.
 */
export async function createProxy(
  source: LlmgateConfig | ConfigInput,
  options: ProxyOptions = {},
): Promise<ProxyServer> {
  const env = options.env ?? process.env;
  // An object from an embedding app is checked like a config file (paths named, defaults filled).
  const parsed = parseConfig(JSON.stringify(source), { source: "createProxy(config)", env });
  const config = parsed.config;
  const settings = config.general_settings;
  const log = createLateLogger(config.litellm_settings.json_logs === true ? "json" : "text");
  const redisOutage = new RedisOutageLog(log);
  const redisTarget = redisUrlOf(config.router_settings, env);
  // One channel per worker (replies are matched by id): counts, when they go through the primary, and metrics.
  const channel =
    options.countsThroughPrimary === true || options.sharesWithWorkers === true
      ? new PrimaryChannel()
      : undefined;
  const primary = options.countsThroughPrimary === true && redisTarget === undefined ? channel : undefined;
  const router = new Router(
    {
      model_list: withGlobalDefaults(config),
      router_settings: config.router_settings,
      litellm_settings: config.litellm_settings,
    },
    // The proxy relays the upstream's bytes and reads only id and usage: no need to parse it all.
    {
      env,
      logger: log,
      redisOutage,
      state: primary === undefined ? undefined : new PrimaryRouterState(primary),
      parseResponsesLazily: true,
      maxResponseBytes: Math.floor(settings.max_response_size_mb * 1024 * 1024),
    },
  );
  const redis: Redis | undefined =
    redisTarget === undefined ? undefined : connectRedis(redisTarget, redisOutage);
  const limits: LimitCounters =
    redis === undefined
      ? primary === undefined
        ? new MemoryLimitCounters()
        : new PrimaryLimitCounters(primary)
      : new FallbackLimitCounters(
          new RedisLimitCounters(redis),
          new MemoryLimitCounters(),
          () => redis.status === "ready",
          { onDegraded: (error) => redisOutage.down(redis, error) },
        );
  const metrics = new ProxyMetrics();
  const cache = await buildResponseCache(config, env, log, metrics);
  metrics.watchDeployments({
    deploymentStates: async () => {
      const now = Date.now();
      return (await router.deploymentsInfo()).map((info) => ({
        id: info.model_info.id,
        modelGroup: info.model_name,
        provider: router.deployment(info.model_info.id)?.provider ?? "",
        isCoolingDown: info.state.cooldown_until !== null && info.state.cooldown_until > now,
      }));
    },
  });
  const callbacks = new CallbackHub(
    config.litellm_settings,
    env,
    {
      sent: (callback, count) => metrics.callbackEventsSent.inc({ callback }, count),
      dropped: (callback, count, reason) => metrics.callbackEventsDropped.inc({ callback, reason }, count),
    },
    log,
  );

  const databaseUrl = settings.database_url ?? (env.DATABASE_URL === "" ? undefined : env.DATABASE_URL);
  const connection = await connectDatabase(
    databaseUrl ?? (options.configDir === undefined ? ":memory:" : undefined),
    {
      configDir: options.configDir ?? process.cwd(),
      onConnectionError: (error) => log.error({ err: error }, "database connection error"),
    },
    log,
  );
  const database: Database = connection.database;
  const stores = createSqlStores(database);
  const identities = new IdentityCache(
    stores,
    (settings.user_api_key_cache_ttl ?? DEFAULT_CACHE_TTL_SECONDS) * 1000,
    Date.now,
    (error) =>
      log.warn({ err: error }, "key lookup failed; a key seen before is served from its last known state"),
  );
  const bus = options.sharesWithWorkers === true ? new WorkerBus() : undefined;
  if (bus !== undefined) {
    identities.shareWith({
      spent: (amounts) => bus.publish({ kind: "spent", amounts }),
      written: (amounts) => bus.publish({ kind: "written", amounts }),
    });
    bus.subscribe((from, event) => {
      if (event.kind === "spent") identities.applyPeerSpent(from, event.amounts);
      else if (event.kind === "written") identities.applyPeerWritten(from, event.amounts);
      else if (event.kind === "gone") identities.forgetPeer(from);
    });
  }
  const invalidation = new CacheInvalidation(identities, redis, redisOutage, bus);
  /**
   * Budgets whose period ended are reset before spend is added (else the next run of the reset job
   * would wipe the new period's spend written meanwhile); caches are told once the rows are in.
   */
  const resetDueBudgets = async () => {
    const reset = await resetExpiredBudgets(database.db, new Date());
    return () => {
      for (const tokenHash of reset.keys) invalidation.invalidate(`key:${tokenHash}`);
      for (const userId of reset.users) invalidation.invalidate(`user:${userId}`);
      for (const teamId of reset.teams) invalidation.invalidate(`team:${teamId}`);
    };
  };
  const queue = new SpendQueue<SpendLogEntry>({
    write: async (rows) => {
      const announce = await resetDueBudgets();
      await stores.spend.insertBatch(rows);
      identities.spendWritten(rows);
      announce();
    },
    flushIntervalMs: (settings.proxy_batch_write_at ?? DEFAULT_BATCH_WRITE_SECONDS) * 1000,
    onWriteError: (error, failures) =>
      log.error({ err: error, failures }, "spend-log write failed; rows stay queued and are retried"),
  });
  metrics.watchSpendQueue(queue);
  let logger: FastifyBaseLogger | undefined;
  const observers = new CallObservers(
    metrics,
    callbacks.isActive ? callbacks : undefined,
    config.litellm_settings.turn_off_message_logging === true,
    (event) => {
      // One line per call at debug level (`--debug`), with its call id; never messages or keys.
      if (logger === undefined || !["debug", "trace"].includes(logger.level)) return;
      logger.debug(
        {
          call_id: event.callId,
          route: event.route,
          model_group: event.modelGroup,
          deployment: event.deploymentId,
          key_alias: event.caller.keyAlias,
          status: event.status,
          latency_ms: event.endedAt - event.startedAt,
          prompt_tokens: event.promptTokens,
          completion_tokens: event.completionTokens,
          cost: event.cost,
          attempts: event.attempts.length,
        },
        event.isSuccess ? "call finished" : `call failed: ${event.errorMessage ?? event.status}`,
      );
    },
  );
  const spend = new SpendTracker(
    queue,
    identities,
    limits,
    metrics,
    observers,
    (deploymentId) => router.deployment(deploymentId)?.provider,
  );

  const app = createApp({
    responses: new SqlResponseStore(database.db),
    config,
    router,
    limits,
    spend,
    metrics,
    metricsSource:
      channel === undefined ? localMetrics(metrics.registry) : clusterMetrics(metrics.registry, channel),
    identities,
    management: {
      stores,
      invalidateKey: (tokenHash) => invalidation.invalidate(`key:${tokenHash}`),
      invalidateUser: (userId) => invalidation.invalidate(`user:${userId}`),
      invalidateTeam: (teamId) => invalidation.invalidate(`team:${teamId}`),
      flushSpend: async () => {
        await queue.flush({ timeoutMs: 5_000 });
        (await resetDueBudgets())();
      },
      now: () => new Date(),
      isMasterKey: masterKeyMatcher(settings.master_key),
    },
    forcedModel: options.forcedModel,
    logLevel: options.logLevel,
    databaseStatus: connection.status,
    cache,
  });
  log.bind(app.log);
  logger = app.log;
  if (options.hasReportedConfigWarnings !== true)
    for (const warning of parsed.warnings) app.log.warn(warning);
  for (const name of unsupportedCallbacks(config.litellm_settings))
    app.log.warn(`litellm_settings callback "${name}" is not implemented by llmgate; it is ignored`);

  const budgetTimer = setInterval(
    () => {
      resetDueBudgets().then(
        (announce) => announce(),
        (error: unknown) => app.log.error({ err: error }, "budget reset failed"),
      );
    },
    (settings.proxy_budget_rescheduler_min_time ?? DEFAULT_BUDGET_RESET_SECONDS) * 1000,
  );
  budgetTimer.unref();

  app.addHook("onClose", async () => {
    clearInterval(budgetTimer);
    connection.stop();
    await router.close();
    await callbacks.close(5_000);
    const left = await queue.close({ timeoutMs: SHUTDOWN_FLUSH_TIMEOUT_MS });
    if (left > 0) app.log.error({ left }, "spend-log rows could not be written before shutdown");
    await invalidation.close();
    await limits.close();
    redis?.disconnect();
    await cache?.close();
    await database.close();
  });
  const shutdownTimeoutMs = settings.graceful_shutdown_timeout * 1000;
  let closing: Promise<void> | undefined;
  return {
    app,
    listen: (port, host) => app.listen({ port, host }),
    close: () => {
      closing ??= app.drain.drain(shutdownTimeoutMs).then(async (outcome) => {
        if (outcome === "forced")
          app.log.warn(
            { timeoutMs: shutdownTimeoutMs },
            "graceful shutdown timed out; open requests were stopped",
          );
        await app.close();
      });
      return closing;
    },
    flushSpend: (timeoutMs) => queue.flush({ timeoutMs }),
  };
}
