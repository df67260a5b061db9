/**
 * Helpers for the response-cache end-to-end tests: the real CLI in front of the counting fake
 * upstream, with `litellm_settings.cache` on, driven by fetch and the official `openai` client.
 */
import type { ProxyProcess } from "../fakes/proxy-process.js";
import { startProxy } from "../fakes/proxy-process.js";
import type { FakeUpstream } from "../fakes/upstream.js";
import { type ApiAnswer, type Gate, gateOf, MASTER_KEY, modelList } from "./keys-helpers.js";

export interface CacheGateOptions {
  /** `litellm_settings.cache_params`. */
  cacheParams?: Record<string, unknown>;
  general?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Without a master key the proxy is open. */
  isOpen?: boolean;
}

/** The keys-helpers groups plus a text-completion and an embeddings group, all on one fake upstream. */
export function cacheConfig(upstreamBaseUrl: string, options: CacheGateOptions = {}): string {
  return JSON.stringify({
    model_list: [
      ...modelList(upstreamBaseUrl),
      {
        model_name: "texter",
        litellm_params: {
          model: "text-completion-openai/text-upstream",
          api_base: upstreamBaseUrl,
          api_key: "sk-upstream",
        },
      },
      {
        model_name: "embedder",
        litellm_params: { model: "openai/embed-upstream", api_base: upstreamBaseUrl, api_key: "sk-upstream" },
      },
    ],
    router_settings: { num_retries: 0 },
    litellm_settings: { cache: true, cache_params: { type: "local", ...options.cacheParams } },
    general_settings:
      options.isOpen === true ? { ...options.general } : { master_key: MASTER_KEY, ...options.general },
  });
}

export async function startCacheGate(upstream: FakeUpstream, options: CacheGateOptions = {}): Promise<Gate> {
  const proxy: ProxyProcess = await startProxy({
    config: cacheConfig(upstream.baseUrl, options),
    env: options.env ?? {},
  });
  return gateOf(proxy);
}

/** Requests the fake upstream received on a route (`/chat/completions`, `/embeddings`, ...). */
export function upstreamCount(upstream: FakeUpstream, route: string): number {
  return upstream.requests.filter((request) => request.path.endsWith(route)).length;
}

export function isHit(answer: ApiAnswer): boolean {
  return answer.headers.get("x-llmgate-cache-hit") === "true";
}

export function cacheKey(answer: ApiAnswer): string | null {
  return answer.headers.get("x-llmgate-cache-key");
}

/** A chat request through the proxy: the body as given (plus model and messages defaults). */
export function chat(gate: Gate, body: Record<string, unknown>, key?: string | null): Promise<ApiAnswer> {
  return gate.api(
    "POST",
    "/v1/chat/completions",
    { model: "mini", messages: [{ role: "user", content: "hello cache" }], ...body },
    key,
  );
}
