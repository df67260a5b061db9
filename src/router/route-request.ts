import { BadRequestError, type LlmgateError } from "../errors/index.js";
import type { Operation, OperationTypes } from "../providers/types.js";
import { fallbackTargets, shouldFallBack } from "./fallbacks.js";
import type { ResolvedGroup } from "./model-groups.js";
import type { RouterRuntime } from "./runtime.js";
import { tryGroup } from "./try-group.js";
import type { RequestRoutingFields, RouteContext, RouteMeta, RouteOutcome } from "./types.js";

/** Fields of a request that steer routing or name a target: never forwarded as they came. */
const ROUTING_FIELDS = [
  "fallbacks",
  "num_retries",
  "timeout",
  "stream_timeout",
  "max_retries",
  "signal",
  "api_key",
  "api_base",
  "base_url",
  "organization",
  "custom_llm_provider",
  "api_version",
  "context_window_fallbacks",
  "content_policy_fallbacks",
] as const;

/** The request without routing fields; the request itself when it has none (the common case). */
function bodyOf(request: Record<string, unknown>): Readonly<Record<string, unknown>> {
  let body: Record<string, unknown> | undefined;
  for (const field of ROUTING_FIELDS) {
    if (!(field in request)) continue;
    body ??= { ...request };
    delete body[field];
  }
  return body ?? request;
}

function numberOrUndefined(value: number | null | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The longest timer Node keeps (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMEOUT_SECONDS = 2_147_483;

/** A timeout in seconds; 0 or less would fail every attempt at once, so it counts as not given. */
function secondsOrUndefined(value: number | null | undefined): number | undefined {
  const seconds = numberOrUndefined(value);
  return seconds !== undefined && seconds > 0 ? Math.min(seconds, MAX_TIMEOUT_SECONDS) : undefined;
}

function unknownModel(model: unknown): LlmgateError {
  return new BadRequestError({
    message: `Invalid model name passed in model=${String(model)}. Call /v1/models to view available models.`,
    param: "model",
    code: "model_not_found",
  });
}

/** A group is tried once per request: wildcard groups once per requested name. */
function visitKey(resolved: ResolvedGroup): string {
  return resolved.group.pattern === undefined
    ? resolved.group.name
    : `${resolved.group.name}\n${resolved.name}`;
}

/**
 * The whole routing of one request: the requested group with its retries, then its fallbacks
 * (breadth first, each group once, at most `max_fallbacks`). Never throws for upstream failures.
 */
export async function routeRequest<K extends Operation>(
  runtime: RouterRuntime,
  operation: K,
  request: OperationTypes[K]["request"] & RequestRoutingFields,
  context: RouteContext,
): Promise<RouteOutcome<K>> {
  const { options } = runtime;
  const primary = runtime.groups.resolve(request.model);
  const first = primary?.group.deployments[0];
  const timeout = secondsOrUndefined(context.timeout ?? request.timeout);
  const streamTimeout = secondsOrUndefined(context.streamTimeout ?? request.stream_timeout);
  const numRetries = context.numRetries ?? numberOrUndefined(request.num_retries);
  const meta: RouteMeta = {
    modelGroup: primary?.name,
    deploymentId: undefined,
    attemptedRetries: 0,
    attemptedFallbacks: 0,
    maxRetries: numRetries ?? first?.numRetries ?? options.retry.numRetries,
    timeout: timeout ?? first?.timeout ?? options.timeout,
  };
  if (primary === undefined) return { meta, ok: false, error: unknownModel(request.model) };
  const body =
    context.credentials === undefined ? bodyOf(request) : { ...bodyOf(request), ...context.credentials };
  const isStream = request.stream === true;
  const requestFallbacks = context.fallbacks ?? request.fallbacks ?? undefined;
  const queue: ResolvedGroup[] = [primary];
  const visited = new Set<string>([visitKey(primary)]);
  let inputTokens: number | undefined;
  let firstError: LlmgateError | undefined;
  for (let index = 0; index < queue.length; index++) {
    const resolved = queue[index];
    if (resolved === undefined) break;
    if (index > 0) {
      meta.attemptedFallbacks++;
      context.observer?.onFallback?.(meta.modelGroup ?? "", resolved.name);
    }
    if (options.preCallChecks && inputTokens === undefined && resolved.group.hasContextLimits) {
      inputTokens = await runtime.tokens.count(request);
    }
    const outcome = await tryGroup(runtime, {
      operation,
      body,
      resolved,
      isStream,
      inputTokens,
      timeout,
      streamTimeout,
      numRetries,
      signal: context.signal,
      observer: context.observer,
    });
    meta.modelGroup = resolved.name;
    meta.deploymentId = outcome.deploymentId;
    meta.attemptedRetries += outcome.retries;
    if (outcome.ok) return { meta, ok: true, result: outcome.result };
    firstError ??= outcome.error;
    if (context.signal?.aborted === true || !shouldFallBack(outcome.error)) break;
    const names = [resolved.name, resolved.group.name];
    const targets = fallbackTargets(
      options.fallbacks,
      names,
      outcome.error,
      index === 0 ? requestFallbacks : undefined,
    );
    for (const target of targets) {
      if (queue.length > options.fallbacks.maxFallbacks) break;
      const next = runtime.groups.resolve(target);
      if (next === undefined) {
        runtime.logger.warn(
          { modelGroup: resolved.name, fallback: target },
          "router: unknown fallback model group",
        );
      } else if (!visited.has(visitKey(next))) {
        visited.add(visitKey(next));
        queue.push(next);
      }
    }
  }
  return { meta, ok: false, error: firstError ?? unknownModel(request.model) };
}
