import { LocalCacheStore } from "./local-store.js";
import { type CacheLogger, type CacheObserver, ResponseCache } from "./response-cache.js";
import type { CacheSettings } from "./settings.js";
import type { CacheStore } from "./store.js";

export interface CreateCacheOptions {
  logger?: CacheLogger | undefined;
  observer?: (CacheObserver & { evicted?(count: number): void }) | undefined;
}

/**
 * Builds the cache of some settings. The Redis client is imported only for type redis, so the
 * SDK stays light for everyone else.
 */
export async function createResponseCache(
  settings: CacheSettings,
  options: CreateCacheOptions = {},
): Promise<ResponseCache> {
  let cache: ResponseCache | undefined;
  let store: CacheStore;
  if (settings.type === "redis" && settings.redis !== undefined) {
    const { RedisCacheStore } = await import("./redis-store.js");
    store = new RedisCacheStore({
      target: settings.redis,
      namespace: settings.namespace,
      commandTimeoutMs: settings.commandTimeoutMs,
      onDown: (reason) => cache?.down(reason),
      onUp: () => cache?.up(),
    });
  } else {
    store = new LocalCacheStore(settings.maxBytes, {
      evicted: (count) => options.observer?.evicted?.(count),
    });
  }
  cache = new ResponseCache(settings, store, options.logger, options.observer);
  return cache;
}
