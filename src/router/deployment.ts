import { createHash } from "node:crypto";
import { providerIdOf } from "../providers/registry.js";
import type { DeploymentConfig } from "./types.js";

/** `litellm_params` keys that steer the router and are not passed to the SDK call. */
const ROUTING_KEYS: ReadonlySet<string> = new Set([
  "model",
  "rpm",
  "tpm",
  "weight",
  "order",
  "num_retries",
  "max_retries",
  "timeout",
  "stream_timeout",
  "cooldown_time",
  "input_cost_per_token",
  "output_cost_per_token",
  "cache_read_input_token_cost",
  "cache_creation_input_token_cost",
  "region_name",
  "configurable_clientside_auth_params",
  "max_parallel_requests",
]);

/** A deployment as the router uses it: read once from its config, never changed. */
export interface Deployment {
  readonly id: string;
  readonly modelName: string;
  /** `litellm_params.model`, e.g. `openai/gpt-4o`; may contain a `*` for wildcard groups. */
  readonly model: string;
  readonly provider: string;
  /** litellm_params without the routing keys: merged into every call to this deployment. */
  readonly callDefaults: Readonly<Record<string, unknown>>;
  readonly weight: number | undefined;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly order: number | undefined;
  readonly timeout: number | undefined;
  readonly streamTimeout: number | undefined;
  readonly numRetries: number | undefined;
  readonly cooldownTime: number | undefined;
  readonly maxInputTokens: number | undefined;
  /** Cost per input and output token, when the config says. */
  readonly inputCost: number | undefined;
  readonly outputCost: number | undefined;
  /** Every price the config sets, with LiteLLM's names (for spend tracking). */
  readonly prices: Readonly<DeploymentPrices>;
  readonly mode: string | undefined;
  readonly config: DeploymentConfig;
}

/** The per-token prices a deployment may set, in `model_info` or `litellm_params`. */
export interface DeploymentPrices {
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  cache_read_input_token_cost?: number;
  cache_creation_input_token_cost?: number;
}

const PRICE_KEYS = [
  "input_cost_per_token",
  "output_cost_per_token",
  "cache_read_input_token_cost",
  "cache_creation_input_token_cost",
] as const;

/** The prices `model_info` sets, else those `litellm_params` sets (as LiteLLM reads them). */
function pricesOf(config: DeploymentConfig): DeploymentPrices {
  const prices: DeploymentPrices = {};
  for (const key of PRICE_KEYS) {
    const price = numberField(config.model_info, key) ?? numberField(config.litellm_params, key);
    if (price !== undefined) prices[key] = price;
  }
  return prices;
}

function numberField(source: object | undefined, key: string): number | undefined {
  const value = source === undefined ? undefined : (source as Record<string, unknown>)[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A stable id from the model name and params (the same config gives the same id on every proxy). */
export function deploymentHash(config: DeploymentConfig): string {
  return createHash("sha256")
    .update(`${config.model_name}\n${stableJson(config.litellm_params)}`)
    .digest("hex")
    .slice(0, 32);
}

export function createDeployment(config: DeploymentConfig, id: string): Deployment {
  const params = config.litellm_params;
  const info = config.model_info;
  const callDefaults: Record<string, unknown> = {};
  const prices = pricesOf(config);
  for (const [key, value] of Object.entries(params)) {
    if (!ROUTING_KEYS.has(key) && value !== undefined) callDefaults[key] = value;
  }
  return {
    id,
    modelName: config.model_name,
    model: params.model,
    provider: providerIdOf(
      params.model,
      typeof params.custom_llm_provider === "string" ? params.custom_llm_provider : undefined,
    ),
    callDefaults,
    weight: numberField(params, "weight"),
    rpm: numberField(params, "rpm"),
    tpm: numberField(params, "tpm"),
    order: numberField(params, "order"),
    timeout: numberField(params, "timeout"),
    streamTimeout: numberField(params, "stream_timeout"),
    // LiteLLM passes a deployment's max_retries to its client; here the router owns retries, so it counts as num_retries.
    numRetries: numberField(params, "num_retries") ?? numberField(params, "max_retries"),
    cooldownTime: numberField(params, "cooldown_time"),
    maxInputTokens: numberField(info, "max_input_tokens"),
    inputCost: prices.input_cost_per_token,
    outputCost: prices.output_cost_per_token,
    prices,
    mode: typeof info?.mode === "string" ? info.mode : undefined,
    config,
  };
}
