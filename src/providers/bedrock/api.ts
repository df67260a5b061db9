import { AuthenticationError } from "../../errors/index.js";
import { firstEnv, nonEmpty, stripTrailingSlashes } from "../target-values.js";
import type { PathContext, TargetOptions, UpstreamTarget } from "../types.js";
import { encodeModelId, regionOfArn, toBedrockModelId } from "./model-family.js";
import { type AwsCredentials, createSigV4Authorizer } from "./sigv4.js";

export const BEDROCK_PROVIDER_ID = "bedrock";

/** LiteLLM's default region when neither the call, the model ARN nor the environment names one. */
const DEFAULT_REGION = "us-west-2";

/** The call's region: `aws_region_name`, the region of an ARN model id, then the environment. */
export function resolveRegion(modelId: string, options: TargetOptions, env: NodeJS.ProcessEnv): string {
  return (
    nonEmpty(options.aws_region_name) ??
    regionOfArn(modelId) ??
    firstEnv(env, ["AWS_REGION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION"]) ??
    DEFAULT_REGION
  );
}

type Authorization = { kind: "bearer"; token: string } | { kind: "sigv4"; credentials: AwsCredentials };

/**
 * Who calls: the call's `api_key` (a Bedrock API key, sent as a bearer token) or its AWS keys, then
 * the environment's `AWS_BEARER_TOKEN_BEDROCK` or AWS keys. A session token goes with the keys it
 * came with (an environment token never joins keys passed in the call).
 */
function resolveAuthorization(options: TargetOptions, env: NodeJS.ProcessEnv): Authorization | undefined {
  const apiKey = nonEmpty(options.api_key);
  if (apiKey !== undefined) return { kind: "bearer", token: apiKey };
  const accessKeyId = nonEmpty(options.aws_access_key_id);
  const secretAccessKey = nonEmpty(options.aws_secret_access_key);
  if (accessKeyId !== undefined || secretAccessKey !== undefined) {
    const fullId = accessKeyId ?? firstEnv(env, ["AWS_ACCESS_KEY_ID"]);
    const fullSecret = secretAccessKey ?? firstEnv(env, ["AWS_SECRET_ACCESS_KEY"]);
    if (fullId !== undefined && fullSecret !== undefined) {
      const sessionToken = nonEmpty(options.aws_session_token);
      return {
        kind: "sigv4",
        credentials: { accessKeyId: fullId, secretAccessKey: fullSecret, sessionToken },
      };
    }
  }
  const bearer = firstEnv(env, ["AWS_BEARER_TOKEN_BEDROCK"]);
  if (bearer !== undefined) return { kind: "bearer", token: bearer };
  const envId = firstEnv(env, ["AWS_ACCESS_KEY_ID"]);
  const envSecret = firstEnv(env, ["AWS_SECRET_ACCESS_KEY"]);
  if (envId === undefined || envSecret === undefined) return undefined;
  return {
    kind: "sigv4",
    credentials: {
      accessKeyId: envId,
      secretAccessKey: envSecret,
      sessionToken: firstEnv(env, ["AWS_SESSION_TOKEN"]),
    },
  };
}

/**
 * Where a Bedrock call goes and as whom. The base is `api_base`, `aws_bedrock_runtime_endpoint`,
 * `AWS_BEDROCK_RUNTIME_ENDPOINT`, else `https://bedrock-runtime.<region>.amazonaws.com`. Requests
 * are signed with SigV4 (service `bedrock`) in `authorize`, or carry a bearer token in `headers`.
 * Without any credentials only a non-default base (a private gateway) is called, unsigned.
 */
export function resolveBedrockTarget(
  model: string,
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
): UpstreamTarget {
  const modelId = toBedrockModelId(model);
  const region = resolveRegion(modelId, options, env);
  const givenBase =
    nonEmpty(options.api_base) ??
    nonEmpty(options.base_url) ??
    nonEmpty(options.aws_bedrock_runtime_endpoint) ??
    firstEnv(env, ["AWS_BEDROCK_RUNTIME_ENDPOINT"]);
  const base = givenBase ?? `https://bedrock-runtime.${region}.amazonaws.com`;
  const queryStart = base.indexOf("?");
  const apiBase = stripTrailingSlashes(queryStart === -1 ? base : base.slice(0, queryStart));
  const authorization = resolveAuthorization(options, env);
  if (authorization === undefined && givenBase === undefined) {
    throw new AuthenticationError({
      message:
        `no AWS credentials for bedrock/${modelId}: pass aws_access_key_id and aws_secret_access_key ` +
        "(or api_key), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_BEARER_TOKEN_BEDROCK)",
      provider: BEDROCK_PROVIDER_ID,
      model: modelId,
    });
  }
  const target: UpstreamTarget = {
    providerId: BEDROCK_PROVIDER_ID,
    model: modelId,
    apiBase,
    apiQuery: queryStart === -1 ? "" : base.slice(queryStart),
    apiKey: authorization?.kind === "bearer" ? authorization.token : undefined,
    organization: undefined,
  };
  if (authorization?.kind === "sigv4")
    target.authorize = createSigV4Authorizer(authorization.credentials, region);
  return target;
}

export function bedrockHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey !== undefined) headers.authorization = `Bearer ${target.apiKey}`;
  return headers;
}

export function conversePath({ target, isStream }: PathContext): string {
  return `/model/${encodeModelId(target.model)}/${isStream ? "converse-stream" : "converse"}`;
}

/** InvokeModel, which takes the model's own body: `/invoke`, or `/invoke-with-response-stream` for a stream. */
export function invokePath({ target, isStream }: PathContext): string {
  return `/model/${encodeModelId(target.model)}/${isStream ? "invoke-with-response-stream" : "invoke"}`;
}

/** The `anthropic_version` an Anthropic Messages body for Claude on InvokeModel carries. */
export const BEDROCK_ANTHROPIC_VERSION = "bedrock-2023-05-31";
