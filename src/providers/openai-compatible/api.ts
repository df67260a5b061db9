import { AuthenticationError, BadRequestError } from "../../errors/index.js";
import { firstEnv, nonEmpty, stripTrailingSlashes } from "../target-values.js";
import type { TargetOptions, UpstreamTarget } from "../types.js";
import type { OpenAICompatiblePreset } from "./presets.js";

/**
 * Where a call goes and with which key. An explicit `api_key` (even `""`, meaning "no key") never
 * falls back to the environment; an absent one does.
 */
export function resolveOpenAICompatibleTarget(
  preset: OpenAICompatiblePreset,
  model: string,
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
): UpstreamTarget {
  const apiKey =
    options.api_key !== undefined && options.api_key !== null
      ? options.api_key
      : firstEnv(env, preset.apiKeyEnv);
  const givenBase =
    nonEmpty(options.api_base) ?? nonEmpty(options.base_url) ?? firstEnv(env, preset.apiBaseEnv);
  const apiBase = givenBase ?? preset.defaultApiBase;
  if (apiBase === undefined || apiBase === "") {
    throw new BadRequestError({
      message: `${preset.id}/${model} needs an api_base (pass api_base, or set ${preset.apiBaseEnv.join(" or ")})`,
      provider: preset.id,
      model,
      param: "api_base",
    });
  }
  // A query (`?api-version=...`) stays after the endpoint path: `<base>/chat/completions?api-version=...`.
  const queryStart = apiBase.indexOf("?");
  const normalizedBase = stripTrailingSlashes(queryStart === -1 ? apiBase : apiBase.slice(0, queryStart));
  const isDefaultBase =
    preset.defaultApiBase !== undefined && normalizedBase === stripTrailingSlashes(preset.defaultApiBase);
  if ((apiKey === undefined || apiKey === "") && isDefaultBase && preset.isKeyRequiredAtDefaultBase) {
    throw new AuthenticationError({
      message: `no API key for ${preset.id}/${model}: pass api_key or set ${preset.apiKeyEnv.join(" or ")}`,
      provider: preset.id,
      model,
    });
  }
  const organization =
    options.organization !== undefined && options.organization !== null
      ? options.organization
      : firstEnv(env, preset.organizationEnv);
  return {
    providerId: preset.id,
    model,
    apiBase: normalizedBase,
    apiQuery: queryStart === -1 ? "" : apiBase.slice(queryStart),
    apiKey: apiKey === "" ? undefined : apiKey,
    organization: organization === "" ? undefined : organization,
  };
}

export function openAICompatibleHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey !== undefined) headers.authorization = `Bearer ${target.apiKey}`;
  if (target.organization !== undefined) headers["openai-organization"] = target.organization;
  return headers;
}
