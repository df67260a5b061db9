import { AuthenticationError } from "../../errors/index.js";
import { firstEnv, nonEmpty, stripTrailingSlashes } from "../target-values.js";
import type { PathContext, TargetOptions, UpstreamTarget } from "../types.js";
import { GEMINI_DEFAULT_API_BASE } from "./wire.js";

export const GEMINI_PROVIDER_ID = "gemini";
const API_KEY_ENV = ["GEMINI_API_KEY"] as const;
const API_BASE_ENV = ["GEMINI_API_BASE"] as const;

/**
 * Where a Gemini (Google AI Studio) call goes and with which key: `api_key`, else GEMINI_API_KEY;
 * `api_base` (or `base_url`), else GEMINI_API_BASE, else generativelanguage.googleapis.com. Google's
 * own endpoint needs a key; a private one (a gateway, a test server) may not.
 */
export function resolveGeminiTarget(
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
    GEMINI_DEFAULT_API_BASE;
  const queryStart = apiBase.indexOf("?");
  const normalizedBase = stripTrailingSlashes(queryStart === -1 ? apiBase : apiBase.slice(0, queryStart));
  if ((apiKey === undefined || apiKey === "") && normalizedBase === GEMINI_DEFAULT_API_BASE) {
    throw new AuthenticationError({
      message: `no API key for gemini/${model}: pass api_key or set ${API_KEY_ENV.join(" or ")}`,
      provider: GEMINI_PROVIDER_ID,
      model,
    });
  }
  return {
    providerId: GEMINI_PROVIDER_ID,
    model,
    apiBase: normalizedBase,
    apiQuery: queryStart === -1 ? "" : apiBase.slice(queryStart),
    apiKey: apiKey === "" ? undefined : apiKey,
    organization: undefined,
  };
}

/** The key as `x-goog-api-key` (not `?key=`: a query string ends up in logs). */
export function geminiHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey !== undefined) headers["x-goog-api-key"] = target.apiKey;
  return headers;
}

/** A model id in a path: `models/` is implied, a given one is not doubled; reserved characters escaped. */
export function modelSegment(model: string): string {
  const name = model.startsWith("models/") ? model.slice("models/".length) : model;
  return encodeURIComponent(name).replaceAll("%40", "@");
}

/**
 * `/v1beta`, unless the api_base already ends with a version (`.../v1beta`, `.../v1`): LiteLLM
 * appends `/models/...` to a Gemini api_base, so configs written for it name the version there.
 */
function versionPrefix(apiBase: string): string {
  return /\/v\d+(?:alpha|beta)?\d*$/.test(apiBase) ? "" : "/v1beta";
}

/** `/v1beta/models/<model>:generateContent`, or `:streamGenerateContent?alt=sse` for a stream. */
export function geminiChatPath({ target, isStream }: PathContext): string {
  const method = isStream ? "streamGenerateContent?alt=sse" : "generateContent";
  return `${versionPrefix(target.apiBase)}/models/${modelSegment(target.model)}:${method}`;
}

export function geminiEmbeddingsPath({ target }: Pick<PathContext, "target">): string {
  return `${versionPrefix(target.apiBase)}/models/${modelSegment(target.model)}:batchEmbedContents`;
}
