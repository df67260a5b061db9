import { AuthenticationError } from "../../errors/index.js";
import { firstEnv, nonEmpty, stripTrailingSlashes } from "../target-values.js";
import type { PathContext, TargetOptions, UpstreamTarget } from "../types.js";
import { ANTHROPIC_DEFAULT_API_BASE, ANTHROPIC_MESSAGES_PATH, ANTHROPIC_VERSION } from "./wire.js";

export const ANTHROPIC_PROVIDER_ID = "anthropic";
const API_KEY_ENV = ["ANTHROPIC_API_KEY"] as const;
const API_BASE_ENV = ["ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"] as const;

/**
 * Where an Anthropic call goes and with which key: `api_key`, else ANTHROPIC_API_KEY; `api_base`
 * (or `base_url`), else ANTHROPIC_API_BASE, ANTHROPIC_BASE_URL, else api.anthropic.com. An explicit
 * `api_key: ""` means "no key" and does not fall back to the environment; Anthropic's own endpoint
 * needs a key, a private one (a gateway, a test server) may not.
 */
export function resolveAnthropicTarget(
  model: string,
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
): UpstreamTarget {
  const apiKey =
    options.api_key !== undefined && options.api_key !== null ? options.api_key : firstEnv(env, API_KEY_ENV);
  const apiBase =
    nonEmpty(options.api_base) ??
    nonEmpty(options.base_url) ??
    firstEnv(env, API_BASE_ENV) ??
    ANTHROPIC_DEFAULT_API_BASE;
  const queryStart = apiBase.indexOf("?");
  const normalizedBase = stripTrailingSlashes(queryStart === -1 ? apiBase : apiBase.slice(0, queryStart));
  if ((apiKey === undefined || apiKey === "") && normalizedBase === ANTHROPIC_DEFAULT_API_BASE) {
    throw new AuthenticationError({
      message: `no API key for anthropic/${model}: pass api_key or set ${API_KEY_ENV.join(" or ")}`,
      provider: ANTHROPIC_PROVIDER_ID,
      model,
    });
  }
  return {
    providerId: ANTHROPIC_PROVIDER_ID,
    model,
    apiBase: normalizedBase,
    apiQuery: queryStart === -1 ? "" : apiBase.slice(queryStart),
    apiKey: apiKey === "" ? undefined : apiKey,
    organization: undefined,
  };
}

/** `x-api-key` and `anthropic-version` (2023-06-01); no key header when the target has none. */
export function anthropicHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "anthropic-version": ANTHROPIC_VERSION,
  };
  if (target.apiKey !== undefined) headers["x-api-key"] = target.apiKey;
  return headers;
}

/** `/v1/messages`, unless the api_base already ends with it (then it is used as is). */
export function anthropicMessagesPath(call: Pick<PathContext, "target">): string {
  return call.target.apiBase.endsWith(ANTHROPIC_MESSAGES_PATH) ? "" : ANTHROPIC_MESSAGES_PATH;
}

/** Where a raw Anthropic body is sent, and with which headers (for clients of the Messages API). */
export interface AnthropicEndpoint {
  target: UpstreamTarget;
  /** `<api_base>/v1/messages` (or the api_base itself when it ends so), with the api_base's query. */
  url: URL;
  /** Lower-case names: content-type, anthropic-version and, with a key, x-api-key. */
  headers: Record<string, string>;
}

/**
 * Resolves an Anthropic deployment for a body already in Anthropic's shape (the /v1/messages
 * dialect's native passthrough): the same target, URL and headers as a translated chat call.
 * `path` replaces `/v1/messages` (e.g. `/v1/messages/count_tokens`).
 */
export function anthropicApi(
  model: string,
  options: TargetOptions,
  env: NodeJS.ProcessEnv = process.env,
  path?: string,
): AnthropicEndpoint {
  const target = resolveAnthropicTarget(model, options, env);
  const endpointPath = path ?? anthropicMessagesPath({ target });
  return {
    target,
    url: new URL(target.apiBase + endpointPath + (target.apiQuery ?? "")),
    headers: anthropicHeaders(target),
  };
}
