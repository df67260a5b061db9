import { z } from "zod";
import { booleanSchema, countSchema, positiveNumberSchema, secondsSchema } from "./schema-fields.js";

/** `cache_params.type` values: the two llmgate implements, then LiteLLM's others (a warning, cache off). */
export const implementedCacheTypes = ["local", "redis"] as const;
export const notImplementedCacheTypes = [
  "redis-semantic",
  "valkey-semantic",
  "qdrant-semantic",
  "s3",
  "gcs",
  "azure-blob",
  "disk",
] as const;

/** LiteLLM's call types; llmgate caches the first six (chat, text completion, embeddings, sync and async). */
export const cachedCallTypes = [
  "acompletion",
  "completion",
  "atext_completion",
  "text_completion",
  "aembedding",
  "embedding",
] as const;
export const notCachedCallTypes = [
  "atranscription",
  "transcription",
  "aresponses",
  "responses",
  "arerank",
  "rerank",
  "anthropic_messages",
] as const;

/** `litellm_settings.cache_params` (LiteLLM's names; `max_size_mb` and `shared_across_teams` are llmgate's). */
export const cacheParamsSchema = z.strictObject({
  type: z.enum([...implementedCacheTypes, ...notImplementedCacheTypes]).optional(),
  host: z.string().optional(),
  port: countSchema.optional(),
  password: z.string().optional(),
  username: z.string().optional(),
  url: z.string().optional(),
  db: countSchema.optional(),
  ssl: booleanSchema.optional(),
  socket_timeout: secondsSchema.optional(),
  ttl: secondsSchema.optional(),
  default_in_memory_ttl: secondsSchema.optional(),
  default_in_redis_ttl: secondsSchema.optional(),
  namespace: z.string().optional(),
  mode: z.enum(["default_on", "default_off"]).optional(),
  supported_call_types: z.array(z.enum([...cachedCallTypes, ...notCachedCallTypes])).optional(),
  max_size_mb: positiveNumberSchema.optional(),
  shared_across_teams: booleanSchema.optional(),
});

export type CacheParams = z.infer<typeof cacheParamsSchema>;

/** Warnings about values (not keys) of `cache_params`: a type or call type llmgate does not serve. */
export function cacheParamsWarnings(
  cacheParams: CacheParams | undefined,
  isOn: boolean | undefined,
): { path: string[]; message: string }[] {
  if (cacheParams === undefined) return [];
  const warnings: { path: string[]; message: string }[] = [];
  if (isOn !== true)
    warnings.push({
      path: ["litellm_settings", "cache_params"],
      message:
        "litellm_settings.cache_params is set but litellm_settings.cache is not true: the response cache is off",
    });
  const type = cacheParams.type;
  if (type !== undefined && (notImplementedCacheTypes as readonly string[]).includes(type)) {
    warnings.push({
      path: ["litellm_settings", "cache_params", "type"],
      message: `litellm_settings.cache_params.type "${type}" is a LiteLLM cache type llmgate does not implement (it has local and redis); the response cache is off`,
    });
  }
  for (const callType of cacheParams.supported_call_types ?? []) {
    if ((notCachedCallTypes as readonly string[]).includes(callType)) {
      warnings.push({
        path: ["litellm_settings", "cache_params", "supported_call_types"],
        message: `litellm_settings.cache_params.supported_call_types: llmgate does not cache "${callType}" calls yet; they are answered without the cache`,
      });
    }
  }
  return warnings;
}
