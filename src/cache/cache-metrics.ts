import { Counter, Gauge, type Registry } from "prom-client";
import { LocalCacheStore } from "./local-store.js";
import type { CacheObserver, ResponseCache } from "./response-cache.js";

const CALL_TYPES = {
  chat: "acompletion",
  completions: "atext_completion",
  embeddings: "aembedding",
} as const;

/** The cache's Prometheus metrics, in the proxy's registry. */
export function createCacheMetrics(registry: Registry): CacheObserver & {
  evicted(count: number): void;
  watch(cache: ResponseCache): void;
} {
  const hits = new Counter({
    name: "llmgate_cache_hits_total",
    help: "Answers (embedding items counted one by one) served from the response cache, by call type",
    labelNames: ["call_type"] as const,
    registers: [registry],
  });
  const misses = new Counter({
    name: "llmgate_cache_misses_total",
    help: "Cacheable requests (embedding items one by one) not found in the response cache, by call type",
    labelNames: ["call_type"] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: "llmgate_cache_errors_total",
    help: "Response-cache store failures (the request went on without the cache), by action",
    labelNames: ["action"] as const,
    registers: [registry],
  });
  const evictions = new Counter({
    name: "llmgate_cache_evictions_total",
    help: "Entries the local response cache evicted to stay within max_size_mb",
    registers: [registry],
  });
  return {
    hit: (operation, count) => hits.inc({ call_type: CALL_TYPES[operation] }, count),
    miss: (operation, count) => misses.inc({ call_type: CALL_TYPES[operation] }, count),
    error: (action) => errors.inc({ action }),
    evicted: (count) => evictions.inc(count),
    watch: (cache) => {
      new Gauge({
        name: "llmgate_cache_up",
        help: "1 while the response cache's store answers, 0 while it fails (requests go on without it)",
        registers: [registry],
        collect() {
          this.set(cache.isDown ? 0 : 1);
        },
      });
      const store = cache.store;
      if (!(store instanceof LocalCacheStore)) return;
      new Gauge({
        name: "llmgate_cache_local_bytes",
        help: "Bytes the local response cache holds (about), bounded by max_size_mb",
        registers: [registry],
        collect() {
          this.set(store.bytes);
        },
      });
      new Gauge({
        name: "llmgate_cache_local_entries",
        help: "Entries in the local response cache",
        registers: [registry],
        collect() {
          this.set(store.size);
        },
      });
    },
  };
}
