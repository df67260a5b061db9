import type { LlmgateError } from "../errors/index.js";
import type { Operation } from "../providers/types.js";
import type { CallContext } from "../sdk/call.js";
import type { CallParams, CallResult } from "../sdk/types.js";

/**
 * The config shapes the router reads: structural subsets of src/config's types (LiteLLM's names),
 * so a validated config, or a hand-written object in SDK use, can be passed as is.
 */
export interface DeploymentLitellmParams {
  model: string;
  api_key?: string | undefined;
  api_base?: string | undefined;
  rpm?: number | undefined;
  tpm?: number | undefined;
  weight?: number | undefined;
  order?: number | undefined;
  timeout?: number | undefined;
  stream_timeout?: number | undefined;
  max_retries?: number | undefined;
  num_retries?: number | undefined;
  input_cost_per_token?: number | undefined;
  output_cost_per_token?: number | undefined;
  /** Anything else (`temperature`, `extra_headers`, ...) is passed to the SDK call. */
  [field: string]: unknown;
}

export interface DeploymentModelInfo {
  id?: string | undefined;
  mode?: string | undefined;
  max_input_tokens?: number | undefined;
  max_output_tokens?: number | undefined;
  input_cost_per_token?: number | undefined;
  output_cost_per_token?: number | undefined;
  [field: string]: unknown;
}

export interface DeploymentConfig {
  model_name: string;
  litellm_params: DeploymentLitellmParams;
  model_info?: DeploymentModelInfo | undefined;
}

/** `[{ "my-model": ["backup-model"] }]`: one group mapped to its fallbacks per entry. */
export type FallbackList = ReadonlyArray<Readonly<Record<string, readonly string[]>>>;

export interface RetryPolicy {
  BadRequestErrorRetries?: number | undefined;
  AuthenticationErrorRetries?: number | undefined;
  TimeoutErrorRetries?: number | undefined;
  RateLimitErrorRetries?: number | undefined;
  ContentPolicyViolationErrorRetries?: number | undefined;
  InternalServerErrorRetries?: number | undefined;
}

export interface AllowedFailsPolicy {
  BadRequestErrorAllowedFails?: number | undefined;
  AuthenticationErrorAllowedFails?: number | undefined;
  TimeoutErrorAllowedFails?: number | undefined;
  RateLimitErrorAllowedFails?: number | undefined;
  ContentPolicyViolationErrorAllowedFails?: number | undefined;
  InternalServerErrorAllowedFails?: number | undefined;
}

export interface RouterSettings {
  routing_strategy?: string | undefined;
  routing_strategy_args?: Record<string, unknown> | undefined;
  num_retries?: number | undefined;
  timeout?: number | undefined;
  stream_timeout?: number | undefined;
  retry_after?: number | undefined;
  allowed_fails?: number | undefined;
  cooldown_time?: number | undefined;
  disable_cooldowns?: boolean | undefined;
  fallbacks?: FallbackList | undefined;
  default_fallbacks?: readonly string[] | undefined;
  context_window_fallbacks?: FallbackList | undefined;
  content_policy_fallbacks?: FallbackList | undefined;
  max_fallbacks?: number | undefined;
  model_group_alias?:
    | Readonly<Record<string, string | { model: string; hidden?: boolean | undefined }>>
    | undefined;
  retry_policy?: RetryPolicy | undefined;
  model_group_retry_policy?: Readonly<Record<string, RetryPolicy>> | undefined;
  allowed_fails_policy?: AllowedFailsPolicy | undefined;
  enable_pre_call_checks?: boolean | undefined;
  redis_host?: string | undefined;
  redis_port?: number | undefined;
  redis_password?: string | undefined;
  redis_url?: string | undefined;
}

export interface LitellmSettings {
  num_retries?: number | undefined;
  request_timeout?: number | undefined;
  fallbacks?: FallbackList | undefined;
  default_fallbacks?: readonly string[] | undefined;
  context_window_fallbacks?: FallbackList | undefined;
  content_policy_fallbacks?: FallbackList | undefined;
}

export interface RouterConfig {
  model_list: readonly DeploymentConfig[];
  router_settings?: RouterSettings | undefined;
  litellm_settings?: LitellmSettings | undefined;
}

/** Routing fields a request may carry beside the OpenAI fields (LiteLLM's names); never sent upstream. */
export interface RequestRoutingFields {
  fallbacks?: readonly string[] | null | undefined;
  num_retries?: number | null | undefined;
  timeout?: number | null | undefined;
  stream_timeout?: number | null | undefined;
}

/** Per-request overrides the proxy takes from headers (`x-llmgate-timeout`, ...); they win over the body. */
export interface RouteContext {
  signal?: AbortSignal | undefined;
  /** Seconds per attempt. */
  timeout?: number | undefined;
  /** Seconds to a stream's first chunk, per attempt. */
  streamTimeout?: number | undefined;
  numRetries?: number | undefined;
  /** Model groups tried, in order, when the requested group fails (replaces the configured `fallbacks`). */
  fallbacks?: readonly string[] | undefined;
  /**
   * Where to send the request and with which key, when the caller may choose
   * (`allow_client_side_credentials`): `api_base`, `api_key`, ... over the deployment's. Such fields
   * in the request itself are always dropped.
   */
  credentials?: Readonly<Record<string, unknown>> | undefined;
  /** Told of each attempt, retry, fallback and cooldown of this request (metrics, traces). */
  observer?: RouteObserver | undefined;
}

/** One call to one deployment, as the router saw it (a stream's ends at its first chunk). */
export interface AttemptReport {
  modelGroup: string;
  deploymentId: string;
  provider: string;
  /** The deployment's `litellm_params.model`. */
  model: string;
  /** Epoch milliseconds (the router's clock). */
  startedAt: number;
  endedAt: number;
  isStream: boolean;
  /** Undefined when it succeeded. */
  error: { status: number; message: string; code: string | undefined } | undefined;
}

/** What the router reports while it routes one request; every method is optional and must not throw. */
export interface RouteObserver {
  onAttempt?(report: AttemptReport): void;
  onRetry?(modelGroup: string): void;
  onFallback?(fromGroup: string, toGroup: string): void;
  onCooldown?(deploymentId: string, until: number): void;
}

/** What the proxy renders as `x-llmgate-*` response headers. */
export interface RouteMeta {
  /** The group that answered, or the last one tried; undefined for an unknown model. */
  modelGroup: string | undefined;
  /** The deployment that answered, or the last one tried. */
  deploymentId: string | undefined;
  /** Retries made in this request, over all groups. */
  attemptedRetries: number;
  /** Fallback groups tried. */
  attemptedFallbacks: number;
  /** The retries allowed for the requested group. */
  maxRetries: number;
  /** Seconds per attempt for the requested group, when one is set. */
  timeout: number | undefined;
}

export type RouteOutcome<K extends Operation> = { meta: RouteMeta } & (
  | { ok: true; result: CallResult<K> }
  | { ok: false; error: LlmgateError }
);

export interface RouterLogger {
  warn(details: object, message: string): void;
}

/** What an attempt passes to its call: the SDK's context and the deployment's `model_info.mode`. */
export type AttemptCallContext = CallContext & { deploymentMode?: string | undefined };

export type CallFunction = <K extends Operation>(
  operation: K,
  params: CallParams<K>,
  context?: AttemptCallContext,
) => Promise<CallResult<K>>;

export interface DeploymentState {
  /** Epoch ms until which the deployment is cooling down, or null. */
  cooldown_until: number | null;
  in_flight: number;
  /** Mean of recent latencies, or null before the first success. */
  latency_ms: number | null;
}

/** One entry of `/model/info`: LiteLLM's shape plus `state`; never carries a secret. */
export interface DeploymentInfo {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown> & { id: string };
  state: DeploymentState;
}

/** One entry of `/model_group/info`. */
export interface ModelGroupInfo {
  model_group: string;
  providers: string[];
  deployment_ids: string[];
  mode: string | undefined;
  max_input_tokens: number | undefined;
  max_output_tokens: number | undefined;
  input_cost_per_token: number | undefined;
  output_cost_per_token: number | undefined;
  tpm: number | undefined;
  rpm: number | undefined;
  aliases: string[];
}
