import { createResponseCache } from "../cache/create.js";
import type { ResponseCache } from "../cache/response-cache.js";
import { cacheSettingsOf } from "../cache/settings.js";
import { knownKeysBySection } from "../config/known-keys.js";
import type { CacheParams } from "../config/schema-cache.js";

/**
 * The SDK's response cache, as LiteLLM's `litellm.cache = Cache(...)`: set up once with
 * `setCache({ type: "local" | "redis", ... })` (cache_params' names), then used by completion(),
 * textCompletion() and embedding(). The one process-wide setting the SDK has, by design: the cache
 * is shared by every call, as LiteLLM's is.
 */
export type CacheOptions = CacheParams;

let current: Promise<ResponseCache> | undefined;

const warnOnce = new Set<string>();
const sdkLogger = {
  warn(_fields: Record<string, unknown>, message: string): void {
    if (warnOnce.has(message)) return;
    warnOnce.add(message);
    process.emitWarning(message, "LlmgateCacheWarning");
  },
  info(_fields: Record<string, unknown>, message: string): void {
    warnOnce.clear();
    void message;
  },
};

const NUMBER_KEYS = new Set([
  "port",
  "db",
  "socket_timeout",
  "ttl",
  "default_in_memory_ttl",
  "default_in_redis_ttl",
  "max_size_mb",
]);
const BOOLEAN_KEYS = new Set(["ssl", "shared_across_teams"]);

/**
 * The options checked by hand, as the config's schema checks cache_params (zod stays out of the
 * SDK's import): an unknown key or a wrong type throws; a LiteLLM key llmgate lacks warns.
 */
function checkedOptions(options: CacheOptions): CacheOptions {
  const keys = knownKeysBySection["litellm_settings.cache_params"];
  const checked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (keys?.notImplemented.includes(key) === true) {
      sdkLogger.warn(
        {},
        `setCache: ${key} is a LiteLLM cache setting llmgate does not implement; it is ignored`,
      );
      continue;
    }
    if (keys?.implemented.includes(key) !== true) throw new TypeError(`setCache: unknown option "${key}"`);
    const expected = NUMBER_KEYS.has(key)
      ? "number"
      : BOOLEAN_KEYS.has(key)
        ? "boolean"
        : key === "supported_call_types"
          ? "object"
          : "string";
    if (typeof value !== expected || (expected === "number" && !(Number(value) >= 0)))
      throw new TypeError(`setCache: ${key} must be a ${expected === "object" ? "list" : expected}`);
    checked[key] = value;
  }
  if (checked.type !== undefined && checked.type !== "local" && checked.type !== "redis")
    throw new TypeError(
      `setCache: type "${String(checked.type)}" is not implemented by llmgate (local or redis)`,
    );
  if (checked.mode !== undefined && checked.mode !== "default_on" && checked.mode !== "default_off")
    throw new TypeError('setCache: mode must be "default_on" or "default_off"');
  return checked as CacheOptions;
}

/**
 * Turns the SDK's cache on (or replaces it), or off with `null`. Options are LiteLLM's
 * `cache_params`: `type` ("local", the default, or "redis" with host/port/password or url, else
 * REDIS_URL / REDIS_HOST), `ttl`, `namespace`, `mode`, `supported_call_types`, `max_size_mb`.
 */
export function setCache(options: CacheOptions | null = {}): void {
  const previous = current;
  current = undefined;
  previous?.then((cache) => cache.close()).catch(() => {});
  if (options === null) return;
  const settings = cacheSettingsOf(checkedOptions(options), process.env);
  if (settings === undefined)
    throw new TypeError(
      `setCache: type "${String(options.type)}" is not implemented by llmgate (local or redis)`,
    );
  const created = createResponseCache(settings, { logger: sdkLogger });
  // A failure shows at the first call that uses the cache, not as an unhandled rejection here.
  created.catch(() => {});
  current = created;
}

/** The cache completion() and friends use, or undefined when none is set. */
export function currentCache(): Promise<ResponseCache> | undefined {
  return current;
}
