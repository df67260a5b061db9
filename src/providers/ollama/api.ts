import { firstEnv, nonEmpty, stripTrailingSlashes } from "../target-values.js";
import type { TargetOptions, UpstreamTarget } from "../types.js";
import {
  OLLAMA_CHAT_PATH,
  OLLAMA_DEFAULT_API_BASE,
  OLLAMA_EMBED_PATH,
  OLLAMA_GENERATE_PATH,
} from "./wire.js";

export const OLLAMA_PROVIDER_ID = "ollama";
export const OLLAMA_CHAT_PROVIDER_ID = "ollama_chat";
export type OllamaProviderId = typeof OLLAMA_PROVIDER_ID | typeof OLLAMA_CHAT_PROVIDER_ID;

/** Hosted Ollama (ollama.com) takes a key; a local server needs none. */
const API_KEY_ENV = ["OLLAMA_API_KEY"] as const;
const API_BASE_ENV = ["OLLAMA_API_BASE"] as const;
/** An api_base that names an endpoint (LiteLLM takes `.../api/chat` as is): the server's root is before it. */
const ENDPOINT_SUFFIXES = [OLLAMA_CHAT_PATH, OLLAMA_GENERATE_PATH, OLLAMA_EMBED_PATH] as const;

/** The server's root: no trailing slash, no endpoint path (`http://host:11434/api/chat` -> `http://host:11434`). */
function serverRoot(base: string): string {
  const stripped = stripTrailingSlashes(base);
  const suffix = ENDPOINT_SUFFIXES.find((path) => stripped.endsWith(path));
  return suffix === undefined ? stripped : stripTrailingSlashes(stripped.slice(0, -suffix.length));
}

/**
 * Where an Ollama call goes: `api_base` (or `base_url`), else OLLAMA_API_BASE, else
 * http://localhost:11434. No key is needed; `api_key` (else OLLAMA_API_KEY) is sent as a bearer
 * token when given, for hosted Ollama or a server behind an authenticating proxy. An explicit
 * `api_key: ""` means "no key" and does not fall back to the environment.
 */
export function resolveOllamaTarget(
  providerId: OllamaProviderId,
): (model: string, options: TargetOptions, env: NodeJS.ProcessEnv) => UpstreamTarget {
  return (model, options, env) => {
    const apiKey =
      options.api_key !== undefined && options.api_key !== null
        ? options.api_key
        : firstEnv(env, API_KEY_ENV);
    const apiBase =
      nonEmpty(options.api_base) ??
      nonEmpty(options.base_url) ??
      firstEnv(env, API_BASE_ENV) ??
      OLLAMA_DEFAULT_API_BASE;
    const queryStart = apiBase.indexOf("?");
    return {
      providerId,
      model,
      apiBase: serverRoot(queryStart === -1 ? apiBase : apiBase.slice(0, queryStart)),
      apiQuery: queryStart === -1 ? "" : apiBase.slice(queryStart),
      apiKey: apiKey === "" ? undefined : apiKey,
      organization: undefined,
    };
  };
}

/** JSON, and `Authorization: Bearer` only when the target has a key. */
export function ollamaHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey !== undefined) headers.authorization = `Bearer ${target.apiKey}`;
  return headers;
}
