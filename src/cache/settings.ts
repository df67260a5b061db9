import type { CacheParams } from "../config/index.js";
import type { CachedOperation } from "./cache-key.js";
import type { RedisTarget } from "./redis-store.js";

/** The cache as configured, with every default filled in. */
export interface CacheSettings {
  type: "local" | "redis";
  /** For type redis. */
  redis: RedisTarget | undefined;
  /** Seconds an answer is kept unless its request says otherwise. */
  ttlSeconds: number;
  namespace: string;
  mode: "default_on" | "default_off";
  operations: ReadonlySet<CachedOperation>;
  /** The local store's bound. */
  maxBytes: number;
  sharedAcrossTeams: boolean;
  commandTimeoutMs: number;
}

export const DEFAULT_TTL_SECONDS = 600;
export const DEFAULT_NAMESPACE = "llmgate:cache";
export const DEFAULT_MAX_SIZE_MB = 64;
/** Redis commands of a cache must be quick: past this a read is a miss (LiteLLM's socket_timeout). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

const OPERATION_OF: Record<string, CachedOperation> = {
  acompletion: "chat",
  completion: "chat",
  atext_completion: "completions",
  text_completion: "completions",
  aembedding: "embeddings",
  embedding: "embeddings",
};

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** cache_params' Redis, else LiteLLM's REDIS_URL / REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, ... */
function redisTargetOf(params: CacheParams, env: NodeJS.ProcessEnv): RedisTarget | undefined {
  if (params.url !== undefined) return { url: params.url };
  const host = params.host ?? nonEmpty(env.REDIS_HOST);
  if (host === undefined) {
    const url = nonEmpty(env.REDIS_URL);
    return url === undefined ? undefined : { url };
  }
  const port = params.port ?? Number(nonEmpty(env.REDIS_PORT) ?? 6379);
  const password = params.password ?? nonEmpty(env.REDIS_PASSWORD);
  const username = params.username ?? nonEmpty(env.REDIS_USERNAME);
  const tls = params.ssl ?? env.REDIS_SSL?.toLowerCase() === "true";
  return {
    host,
    port: Number.isFinite(port) ? port : 6379,
    ...(password === undefined ? {} : { password }),
    ...(username === undefined ? {} : { username }),
    ...(params.db === undefined ? {} : { db: params.db }),
    ...(tls ? { tls } : {}),
  };
}

/**
 * The settings of `cache_params` (LiteLLM's keys). Undefined when the type is one llmgate does not
 * implement (config loading warned about it). Without a type: redis when one is named (in
 * cache_params or REDIS_URL / REDIS_HOST), else local.
 */
export function cacheSettingsOf(
  params: CacheParams = {},
  env: NodeJS.ProcessEnv = {},
): CacheSettings | undefined {
  const redis = redisTargetOf(params, env);
  const type = params.type ?? (redis === undefined ? "local" : "redis");
  if (type !== "local" && type !== "redis") return undefined;
  if (type === "redis" && redis === undefined)
    throw new Error(
      "litellm_settings.cache_params.type is redis, but no Redis is named: set cache_params.host (and port, password) or url, or REDIS_URL / REDIS_HOST",
    );
  const typeTtl = type === "local" ? params.default_in_memory_ttl : params.default_in_redis_ttl;
  const callTypes = params.supported_call_types ?? ["acompletion", "atext_completion", "aembedding"];
  const operations = new Set<CachedOperation>();
  for (const callType of callTypes) {
    const operation = OPERATION_OF[callType];
    if (operation !== undefined) operations.add(operation);
  }
  return {
    type,
    redis: type === "redis" ? redis : undefined,
    ttlSeconds: params.ttl ?? typeTtl ?? DEFAULT_TTL_SECONDS,
    namespace: params.namespace ?? DEFAULT_NAMESPACE,
    mode: params.mode ?? "default_on",
    operations,
    maxBytes: Math.floor((params.max_size_mb ?? DEFAULT_MAX_SIZE_MB) * 1024 * 1024),
    sharedAcrossTeams: params.shared_across_teams === true,
    commandTimeoutMs:
      params.socket_timeout === undefined || params.socket_timeout <= 0
        ? DEFAULT_COMMAND_TIMEOUT_MS
        : params.socket_timeout * 1000,
  };
}
