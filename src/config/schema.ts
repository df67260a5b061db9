import { z } from "zod";
import { cacheParamsSchema } from "./schema-cache.js";
import {
  booleanSchema,
  countSchema,
  defaultFallbacksSchema,
  fallbacksSchema,
  numberSchema,
  positiveNumberSchema,
  scalarTextSchema,
  secondsSchema,
  stringListSchema,
} from "./schema-fields.js";

/**
 * Schemas of the implemented keys (known-keys.ts lists them, with the LiteLLM keys not implemented
 * yet). Unknown and unimplemented keys are handled before these schemas run; the strict objects are
 * a safety net that catches a key listed as implemented but missing here.
 */

/** `litellm_params` of a deployment. OpenAI request parameters pass through as default request params. */
export const litellmParamsSchema = z
  .object({
    model: z.string(),
    api_base: z.string().optional(),
    base_url: z.string().optional(),
    api_key: z.string().optional(),
    organization: z.string().optional(),
    api_version: z.string().optional(),
    custom_llm_provider: z.string().optional(),
    timeout: secondsSchema.optional(),
    stream_timeout: secondsSchema.optional(),
    max_retries: countSchema.optional(),
    num_retries: countSchema.optional(),
    supports_system_message: booleanSchema.optional(),
    drop_params: booleanSchema.optional(),
    additional_drop_params: stringListSchema.optional(),
    extra_headers: z.record(z.string(), z.string()).optional(),
    extra_body: z.record(z.string(), z.unknown()).optional(),
    mock_response: z.string().optional(),
    rpm: numberSchema.optional(),
    tpm: numberSchema.optional(),
    weight: numberSchema.optional(),
    order: numberSchema.optional(),
    input_cost_per_token: numberSchema.optional(),
    output_cost_per_token: numberSchema.optional(),
    cache_read_input_token_cost: numberSchema.optional(),
    cache_creation_input_token_cost: numberSchema.optional(),
    region_name: z.string().optional(),
    cooldown_time: secondsSchema.optional(),
    azure_ad_token: z.string().optional(),
    aws_access_key_id: z.string().optional(),
    aws_secret_access_key: z.string().optional(),
    aws_session_token: z.string().optional(),
    aws_region_name: z.string().optional(),
    aws_bedrock_runtime_endpoint: z.string().optional(),
    vertex_project: z.string().optional(),
    vertex_location: z.string().optional(),
    /** A service-account JSON file path, its JSON text, or the object written in YAML. */
    vertex_credentials: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  })
  .catchall(z.unknown());

/** `model_info`: free-form metadata; the keys llmgate reads are type-checked. */
export const modelInfoSchema = z
  .object({
    id: z.string().optional(),
    mode: z
      .enum([
        "chat",
        "completion",
        "embedding",
        "image_generation",
        "audio_transcription",
        "audio_speech",
        "moderation",
        "rerank",
        "responses",
        "batch",
        "realtime",
      ])
      .optional(),
    max_input_tokens: countSchema.optional(),
    max_output_tokens: countSchema.optional(),
    max_tokens: countSchema.optional(),
    input_cost_per_token: numberSchema.optional(),
    output_cost_per_token: numberSchema.optional(),
    base_model: z.string().optional(),
  })
  .catchall(z.unknown());

/** One entry of `model_list`: a deployment of the model group `model_name`. */
export const deploymentSchema = z.strictObject({
  model_name: z.string(),
  litellm_params: litellmParamsSchema,
  model_info: modelInfoSchema.optional(),
});

export const routingStrategySchema = z.enum([
  "simple-shuffle",
  "least-busy",
  "latency-based-routing",
  "usage-based-routing",
  "usage-based-routing-v2",
  "cost-based-routing",
]);

export const retryPolicySchema = z.strictObject({
  BadRequestErrorRetries: countSchema.optional(),
  AuthenticationErrorRetries: countSchema.optional(),
  TimeoutErrorRetries: countSchema.optional(),
  RateLimitErrorRetries: countSchema.optional(),
  ContentPolicyViolationErrorRetries: countSchema.optional(),
  InternalServerErrorRetries: countSchema.optional(),
});

export const allowedFailsPolicySchema = z.strictObject({
  BadRequestErrorAllowedFails: countSchema.optional(),
  AuthenticationErrorAllowedFails: countSchema.optional(),
  TimeoutErrorAllowedFails: countSchema.optional(),
  RateLimitErrorAllowedFails: countSchema.optional(),
  ContentPolicyViolationErrorAllowedFails: countSchema.optional(),
  InternalServerErrorAllowedFails: countSchema.optional(),
});

/** `model_group_alias`: `alias: group` or `alias: { model: group, hidden: true }`. */
export const modelGroupAliasSchema = z.record(
  z.string(),
  z.union([z.string(), z.strictObject({ model: z.string(), hidden: booleanSchema.optional() })], {
    error: "expected a model group name or { model, hidden }",
  }),
);

export const routerSettingsSchema = z.strictObject({
  routing_strategy: routingStrategySchema.optional(),
  routing_strategy_args: z.record(z.string(), z.unknown()).optional(),
  num_retries: countSchema.optional(),
  timeout: secondsSchema.optional(),
  stream_timeout: secondsSchema.optional(),
  retry_after: secondsSchema.optional(),
  allowed_fails: countSchema.optional(),
  cooldown_time: secondsSchema.optional(),
  disable_cooldowns: booleanSchema.optional(),
  fallbacks: fallbacksSchema.optional(),
  default_fallbacks: defaultFallbacksSchema.optional(),
  context_window_fallbacks: fallbacksSchema.optional(),
  content_policy_fallbacks: fallbacksSchema.optional(),
  max_fallbacks: countSchema.optional(),
  model_group_alias: modelGroupAliasSchema.optional(),
  retry_policy: retryPolicySchema.optional(),
  model_group_retry_policy: z.record(z.string(), retryPolicySchema).optional(),
  allowed_fails_policy: allowedFailsPolicySchema.optional(),
  enable_pre_call_checks: booleanSchema.optional(),
  redis_host: z.string().optional(),
  redis_port: countSchema.optional(),
  redis_password: z.string().optional(),
  redis_url: z.string().optional(),
});

/** Callback names (`langfuse`, `otel`, ...); one name alone is taken as a list of one. */
const callbackListSchema = z.union([z.string().transform((name) => [name]), z.array(z.string())]);

export const litellmSettingsSchema = z.strictObject({
  drop_params: booleanSchema.optional(),
  num_retries: countSchema.optional(),
  request_timeout: secondsSchema.optional(),
  fallbacks: fallbacksSchema.optional(),
  default_fallbacks: defaultFallbacksSchema.optional(),
  context_window_fallbacks: fallbacksSchema.optional(),
  content_policy_fallbacks: fallbacksSchema.optional(),
  set_verbose: booleanSchema.optional(),
  json_logs: booleanSchema.optional(),
  cache: booleanSchema.optional(),
  cache_params: cacheParamsSchema.optional(),
  success_callback: callbackListSchema.optional(),
  failure_callback: callbackListSchema.optional(),
  callbacks: callbackListSchema.optional(),
  turn_off_message_logging: booleanSchema.optional(),
});

export const defaultMaxRequestSizeMb = 32;
/** llmgate's own: the largest answer read from an upstream (a JSON body, or one stream event). */
export const defaultMaxResponseSizeMb = 256;
/** llmgate's own: seconds a client has to send its whole request (a body trickled forever is cut). */
export const defaultRequestTimeoutSeconds = 300;
/** llmgate's own: seconds a SIGTERM/SIGINT leaves open requests to finish before they are stopped. */
export const defaultGracefulShutdownSeconds = 30;

export const generalSettingsSchema = z.strictObject({
  master_key: z.string().optional(),
  database_url: z.string().optional(),
  max_request_size_mb: positiveNumberSchema.default(defaultMaxRequestSizeMb),
  max_response_size_mb: positiveNumberSchema.default(defaultMaxResponseSizeMb),
  client_request_timeout: secondsSchema.default(defaultRequestTimeoutSeconds),
  graceful_shutdown_timeout: secondsSchema.default(defaultGracefulShutdownSeconds),
  allow_client_side_credentials: booleanSchema.optional(),
  user_api_key_cache_ttl: secondsSchema.optional(),
  proxy_batch_write_at: secondsSchema.optional(),
  proxy_budget_rescheduler_min_time: secondsSchema.optional(),
  require_auth_for_metrics_endpoint: booleanSchema.optional(),
});

/** The whole file. Missing sections come out as their defaults, so readers need no `?.` chains. */
export const llmgateConfigSchema = z.strictObject({
  model_list: z.array(deploymentSchema).default([]),
  litellm_settings: litellmSettingsSchema.prefault({}),
  router_settings: routerSettingsSchema.prefault({}),
  general_settings: generalSettingsSchema.prefault({}),
  environment_variables: z.record(z.string(), scalarTextSchema).default({}),
});

export type LlmgateConfig = z.infer<typeof llmgateConfigSchema>;
export type DeploymentConfig = z.infer<typeof deploymentSchema>;
export type LitellmParams = z.infer<typeof litellmParamsSchema>;
export type ModelInfo = z.infer<typeof modelInfoSchema>;
export type RouterSettings = z.infer<typeof routerSettingsSchema>;
export type LitellmSettings = z.infer<typeof litellmSettingsSchema>;
export type GeneralSettings = z.infer<typeof generalSettingsSchema>;
export type RoutingStrategy = z.infer<typeof routingStrategySchema>;
