import { AuthenticationError, BadRequestError } from "../../errors/index.js";
import { firstEnv, nonEmpty } from "../target-values.js";
import type { PathContext, TargetOptions, UpstreamTarget } from "../types.js";

export const AZURE_PROVIDER_ID = "azure";

/** The newest generally available data-plane version (learn.microsoft.com, Azure OpenAI API versions). */
export const DEFAULT_AZURE_API_VERSION = "2024-10-21";

/**
 * `https://<resource>.openai.azure.com/` as LiteLLM users write it; also one that already names a
 * deployment path (`.../openai/deployments/x/chat/completions?api-version=...`) or ends in `/openai`:
 * the resource's root and the query it carried.
 */
function splitBase(apiBase: string): { root: string; query: URLSearchParams } {
  const queryStart = apiBase.indexOf("?");
  const query = new URLSearchParams(queryStart === -1 ? "" : apiBase.slice(queryStart + 1));
  let root = queryStart === -1 ? apiBase : apiBase.slice(0, queryStart);
  const deployments = root.indexOf("/openai/deployments");
  if (deployments !== -1) root = root.slice(0, deployments);
  root = root.replace(/\/+$/, "").replace(/\/openai$/, "");
  return { root, query };
}

/**
 * Where an Azure OpenAI call goes and as whom: `api_key` / `AZURE_API_KEY` sent as `api-key`, else
 * `azure_ad_token` / `AZURE_AD_TOKEN` as a bearer token; `api_base` / `AZURE_API_BASE` is required.
 */
export function resolveAzureTarget(
  deployment: string,
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
): UpstreamTarget {
  const apiBase =
    nonEmpty(options.api_base) ??
    nonEmpty(options.base_url) ??
    firstEnv(env, ["AZURE_API_BASE", "AZURE_OPENAI_ENDPOINT"]);
  if (apiBase === undefined) {
    throw new BadRequestError({
      message: `azure/${deployment} needs an api_base (https://<resource>.openai.azure.com): pass api_base or set AZURE_API_BASE`,
      provider: AZURE_PROVIDER_ID,
      model: deployment,
      param: "api_base",
    });
  }
  const { root, query } = splitBase(apiBase);
  // The call's, then the one written in this deployment's api_base, then the environment's.
  const apiVersion =
    nonEmpty(options.api_version) ??
    nonEmpty(query.get("api-version")) ??
    firstEnv(env, ["AZURE_API_VERSION", "OPENAI_API_VERSION"]) ??
    DEFAULT_AZURE_API_VERSION;
  query.set("api-version", apiVersion);
  // What the call says wins over the environment: its api_key, then its azure_ad_token, then
  // AZURE_API_KEY, then AZURE_AD_TOKEN.
  const givenKey =
    options.api_key !== undefined && options.api_key !== null ? nonEmpty(options.api_key) : undefined;
  const givenToken = nonEmpty(options.azure_ad_token);
  const apiKey =
    givenKey ??
    (givenToken === undefined ? firstEnv(env, ["AZURE_API_KEY", "AZURE_OPENAI_API_KEY"]) : undefined);
  const adToken = apiKey === undefined ? (givenToken ?? firstEnv(env, ["AZURE_AD_TOKEN"])) : undefined;
  if (apiKey === undefined && adToken === undefined) {
    throw new AuthenticationError({
      message: `no credentials for azure/${deployment}: pass api_key (or set AZURE_API_KEY), or azure_ad_token (AZURE_AD_TOKEN)`,
      provider: AZURE_PROVIDER_ID,
      model: deployment,
    });
  }
  const target: UpstreamTarget = {
    providerId: AZURE_PROVIDER_ID,
    model: deployment,
    apiBase: root,
    apiQuery: `?${query.toString()}`,
    apiKey,
    organization: undefined,
  };
  if (adToken !== undefined) {
    // The token stays in this closure: not on the target, so it is never in an error or a log.
    target.authorize = (request) => {
      request.headers.authorization = `Bearer ${adToken}`;
    };
  }
  return target;
}

export function azureHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey !== undefined) headers["api-key"] = target.apiKey;
  return headers;
}

/** `/openai/deployments/<deployment>/<endpoint>`; the api-version query follows from the target. */
export function deploymentPath(endpoint: string): (call: PathContext) => string {
  return ({ target }) => `/openai/deployments/${encodeURIComponent(target.model)}/${endpoint}`;
}
