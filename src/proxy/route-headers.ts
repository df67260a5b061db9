import type { FastifyRequest } from "fastify";
import { DEFAULT_TIMEOUT_SECONDS } from "../sdk/call.js";
import { MAX_CLIENT_RETRIES } from "./request-checks.js";
import type { RouteContext, RouteMeta } from "./types.js";

/** `x-llmgate-*` response headers: which group and deployment answered, and what it took. */
export function routeHeaders(
  callId: string,
  meta: RouteMeta | undefined,
  startedAt: number,
  upstreamMs: number,
): Record<string, string> {
  const durationMs = performance.now() - startedAt;
  const headers: Record<string, string> = {
    "x-llmgate-call-id": callId,
    "x-llmgate-response-duration-ms": durationMs.toFixed(3),
    "x-llmgate-overhead-duration-ms": Math.max(0, durationMs - upstreamMs).toFixed(3),
  };
  if (meta === undefined) return headers;
  if (meta.modelGroup !== undefined) headers["x-llmgate-model-group"] = headerSafe(meta.modelGroup);
  if (meta.deploymentId !== undefined) headers["x-llmgate-model-id"] = headerSafe(meta.deploymentId);
  headers["x-llmgate-attempted-retries"] = String(meta.attemptedRetries);
  headers["x-llmgate-attempted-fallbacks"] = String(meta.attemptedFallbacks);
  headers["x-llmgate-max-retries"] = String(meta.maxRetries);
  headers["x-llmgate-timeout"] = String(meta.timeout ?? DEFAULT_TIMEOUT_SECONDS);
  return headers;
}

/** Header values are Latin-1 without control characters: anything else (a client's model name) is %-encoded. */
function headerSafe(value: string): string {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) return encodeURIComponent(value);
  }
  return value;
}

/** A header's number (ours, else LiteLLM's spelling); undefined when absent or not a valid count. */
function numberHeader(request: FastifyRequest, name: string): number | undefined {
  const value = request.headers[`x-llmgate-${name}`] ?? request.headers[`x-litellm-${name}`];
  if (typeof value !== "string" || value === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/** Seconds: a timeout of 0 would fail every attempt at once, so it counts as not given. */
function secondsHeader(request: FastifyRequest, name: string): number | undefined {
  const seconds = numberHeader(request, name);
  return seconds === undefined || seconds === 0 ? undefined : seconds;
}

/** Per-request routing overrides a client may send as headers (ours, or LiteLLM's spelling). */
export function routeContextFromHeaders(request: FastifyRequest, signal: AbortSignal): RouteContext {
  const context: RouteContext = { signal };
  const timeout = secondsHeader(request, "timeout");
  if (timeout !== undefined) context.timeout = timeout;
  const streamTimeout = secondsHeader(request, "stream-timeout");
  if (streamTimeout !== undefined) context.streamTimeout = streamTimeout;
  const numRetries = numberHeader(request, "num-retries");
  if (numRetries !== undefined) context.numRetries = Math.min(Math.floor(numRetries), MAX_CLIENT_RETRIES);
  return context;
}
