import type {
  AllowedFailsPolicy,
  FallbackList,
  LitellmSettings,
  RetryPolicy,
  RouterSettings,
} from "./types.js";

export interface RetryOptions {
  /** `num_retries` of the router (a deployment's own or the request's wins). */
  numRetries: number;
  /** `retry_after`: the least seconds to wait before retrying the same deployment. */
  minRetryAfterSeconds: number;
  policy: RetryPolicy | undefined;
  groupPolicies: Readonly<Record<string, RetryPolicy>> | undefined;
}

export interface CooldownOptions {
  isDisabled: boolean;
  /** Failures within a minute a deployment may have; one more cools it down. */
  allowedFails: number;
  allowedFailsPolicy: AllowedFailsPolicy | undefined;
  cooldownSeconds: number;
}

export interface FallbackOptions {
  generic: ReadonlyMap<string, readonly string[]>;
  contextWindow: ReadonlyMap<string, readonly string[]>;
  contentPolicy: ReadonlyMap<string, readonly string[]>;
  defaults: readonly string[];
  /** The most fallback groups tried for one request. */
  maxFallbacks: number;
}

export interface RouterOptions {
  retry: RetryOptions;
  cooldown: CooldownOptions;
  fallbacks: FallbackOptions;
  /** Seconds per attempt and to a stream's first chunk, when set. */
  timeout: number | undefined;
  streamTimeout: number | undefined;
  preCallChecks: boolean;
}

const DEFAULT_NUM_RETRIES = 2;
const DEFAULT_ALLOWED_FAILS = 3;
const DEFAULT_COOLDOWN_SECONDS = 5;
const DEFAULT_MAX_FALLBACKS = 5;

function fallbackMap(list: FallbackList | undefined): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const entry of list ?? []) {
    for (const [group, targets] of Object.entries(entry)) map.set(group, targets);
  }
  return map;
}

/** The router's option groups, from the config sections (router_settings wins over litellm_settings). */
export function resolveRouterOptions(
  router: RouterSettings = {},
  litellm: LitellmSettings = {},
): RouterOptions {
  return {
    retry: {
      numRetries: router.num_retries ?? litellm.num_retries ?? DEFAULT_NUM_RETRIES,
      minRetryAfterSeconds: router.retry_after ?? 0,
      policy: router.retry_policy,
      groupPolicies: router.model_group_retry_policy,
    },
    cooldown: {
      isDisabled: router.disable_cooldowns === true,
      allowedFails: router.allowed_fails ?? DEFAULT_ALLOWED_FAILS,
      allowedFailsPolicy: router.allowed_fails_policy,
      cooldownSeconds: router.cooldown_time ?? DEFAULT_COOLDOWN_SECONDS,
    },
    fallbacks: {
      generic: fallbackMap(router.fallbacks ?? litellm.fallbacks),
      contextWindow: fallbackMap(router.context_window_fallbacks ?? litellm.context_window_fallbacks),
      contentPolicy: fallbackMap(router.content_policy_fallbacks ?? litellm.content_policy_fallbacks),
      defaults: router.default_fallbacks ?? litellm.default_fallbacks ?? [],
      maxFallbacks: router.max_fallbacks ?? DEFAULT_MAX_FALLBACKS,
    },
    timeout: router.timeout ?? litellm.request_timeout,
    streamTimeout: router.stream_timeout,
    preCallChecks: router.enable_pre_call_checks === true,
  };
}
