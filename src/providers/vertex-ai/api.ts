import { BadRequestError } from "../../errors/index.js";
import { modelSegment } from "../gemini/index.js";
import { stripTrailingSlashes } from "../target-values.js";
import type { PathContext, TargetOptions, UpstreamTarget } from "../types.js";
import type { AccessTokenSource } from "./access-token.js";
import { readServiceAccount } from "./credentials.js";

export const VERTEX_AI_PROVIDER_ID = "vertex_ai";
export const DEFAULT_VERTEX_LOCATION = "us-central1";
/** What Vertex AI wants in an Anthropic body instead of `anthropic-version`. */
export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

const LOCATION = /^[a-z0-9-]+$/;

function firstOf(...values: (string | null | undefined)[]): string | undefined {
  return values.find((value): value is string => value !== undefined && value !== null && value !== "");
}

/** Claude on Vertex (`vertex_ai/claude-sonnet-4-5@20250929`): Anthropic's publisher and body. */
export function isClaudeModel(model: string): boolean {
  return model.startsWith("claude");
}

/**
 * `https://<location>-aiplatform.googleapis.com` (`aiplatform.googleapis.com` for the "global"
 * location), or the api_base; then `/v1/projects/<project>/locations/<location>`, so that each
 * operation appends only its publisher and model.
 */
function baseOf(apiBase: string | undefined, location: string): string {
  if (apiBase !== undefined) return stripTrailingSlashes(apiBase);
  return location === "global"
    ? "https://aiplatform.googleapis.com"
    : `https://${location}-aiplatform.googleapis.com`;
}

/**
 * Where a Vertex AI call goes and as whom: the service account of `vertex_credentials` (or
 * GOOGLE_APPLICATION_CREDENTIALS); `vertex_project`, VERTEXAI_PROJECT / VERTEX_PROJECT, else the
 * account's project_id; `vertex_location`, VERTEXAI_LOCATION / VERTEX_LOCATION, else us-central1.
 * `authorize` adds the account's OAuth access token (from `tokens`, cached) before each attempt.
 */
export function resolveVertexTarget(
  model: string,
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
  tokens: AccessTokenSource,
): UpstreamTarget {
  const account = readServiceAccount(options, env, model);
  const project = firstOf(
    options.vertex_project,
    env.VERTEXAI_PROJECT,
    env.VERTEX_PROJECT,
    account.projectId,
  );
  if (project === undefined) {
    throw new BadRequestError({
      message: `vertex_ai/${model} needs a project: pass vertex_project, set VERTEXAI_PROJECT, or use credentials with a project_id`,
      provider: VERTEX_AI_PROVIDER_ID,
      model,
      param: "vertex_project",
    });
  }
  const location =
    firstOf(options.vertex_location, env.VERTEXAI_LOCATION, env.VERTEX_LOCATION) ?? DEFAULT_VERTEX_LOCATION;
  if (!LOCATION.test(location)) {
    throw new BadRequestError({
      message: `vertex_location "${location}" is not a Google Cloud location (like us-central1)`,
      provider: VERTEX_AI_PROVIDER_ID,
      model,
      param: "vertex_location",
    });
  }
  const given = firstOf(options.api_base, options.base_url);
  const queryStart = given?.indexOf("?") ?? -1;
  const apiBase = baseOf(queryStart === -1 ? given : given?.slice(0, queryStart), location);
  return {
    providerId: VERTEX_AI_PROVIDER_ID,
    model,
    apiBase: `${apiBase}/v1/projects/${encodeURIComponent(project)}/locations/${location}`,
    apiQuery: queryStart === -1 || given === undefined ? "" : given.slice(queryStart),
    apiKey: undefined,
    organization: undefined,
    authorize: async (request) => {
      request.headers.authorization = `Bearer ${await tokens(account, model)}`;
    },
  };
}

export function vertexHeaders(): Record<string, string> {
  return { "content-type": "application/json" };
}

/** Gemini: `/publishers/google/models/<m>:generateContent`; Claude: `/publishers/anthropic/models/<m>:rawPredict`. */
export function vertexChatPath({ target, isStream }: PathContext): string {
  if (isClaudeModel(target.model)) {
    return `/publishers/anthropic/models/${modelSegment(target.model)}:${isStream ? "streamRawPredict" : "rawPredict"}`;
  }
  const method = isStream ? "streamGenerateContent?alt=sse" : "generateContent";
  return `/publishers/google/models/${modelSegment(target.model)}:${method}`;
}

export function vertexEmbeddingsPath({ target }: Pick<PathContext, "target">): string {
  return `/publishers/google/models/${modelSegment(target.model)}:predict`;
}
