export { type CachedOperation, cacheKeyOf, canonicalJson } from "./cache-key.js";
export { createCacheMetrics } from "./cache-metrics.js";
export { type CacheControls, NO_CONTROLS, takeCacheControls } from "./controls.js";
export { type CreateCacheOptions, createResponseCache } from "./create.js";
export {
  type CachedEmbedding,
  type EmbeddingItems,
  embeddingItemsOf,
  inputOfMissing,
  mergedEmbeddingResponse,
  newEmbeddings,
} from "./embedding-items.js";
export { InFlight } from "./in-flight.js";
export {
  type CacheLogger,
  type CacheLookup,
  type CacheObserver,
  type CachePlan,
  decodeEmbedding,
  encodeEmbedding,
  ResponseCache,
} from "./response-cache.js";
export { type CacheSettings, cacheSettingsOf } from "./settings.js";
export { chatCompletionOfChunks, textCompletionOfChunks } from "./stream-assembly.js";
export { chatCompletionChunksOf, textCompletionChunksOf } from "./stream-replay.js";
