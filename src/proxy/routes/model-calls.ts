import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { BadRequestError, type LlmgateError } from "../../errors/index.js";
import type { StreamOptions, Usage } from "../../openai/types.js";
import type { Operation, OperationTypes } from "../../providers/types.js";
import type { ChunkStream } from "../../sdk/types.js";
import { type Admission, admit } from "../admission.js";
import { errorHeaders, toLlmgateError } from "../hooks/errors.js";
import type { Identity } from "../identity.js";
import type { LimitCounters } from "../limits/types.js";
import type { ProxyMetrics } from "../metrics.js";
import { checkModelCallBody, takeClientCredentials } from "../request-checks.js";
import { routeContextFromHeaders, routeHeaders } from "../route-headers.js";
import type { FinishedRequest, SpendTracker } from "../spend-tracker.js";
import { SseWriter } from "../sse-writer.js";
import { relayStream } from "../stream-relay.js";
import type { ProxyRouter, RouteMeta } from "../types.js";

export interface ModelCallOptions {
  router: ProxyRouter;
  limits: LimitCounters;
  spend: SpendTracker;
  metrics: ProxyMetrics;
  allowClientCredentials: boolean;
  /** Quick mode (`--model`): every request goes to this model, whatever it names. */
  forcedModel: string | undefined;
  bodyLimitBytes: number;
}

const PATHS: Record<Operation, string[]> = {
  chat: [
    "/chat/completions",
    "/engines/:model/chat/completions",
    "/openai/deployments/:model/chat/completions",
  ],
  completions: ["/completions", "/engines/:model/completions", "/openai/deployments/:model/completions"],
  embeddings: ["/embeddings", "/engines/:model/embeddings", "/openai/deployments/:model/embeddings"],
};

const ROUTE_NAMES: Record<Operation, string> = {
  chat: "/chat/completions",
  completions: "/completions",
  embeddings: "/embeddings",
};

function unknownModelError(model: string, router: ProxyRouter): BadRequestError {
  const names = router.modelNames();
  return new BadRequestError({
    message: `unknown model "${model}"; this proxy serves: ${names.length === 0 ? "(no models configured)" : names.join(", ")}`,
    param: "model",
    code: "model_not_found",
  });
}

/** Asks the upstream for a stream's usage (for spend) when the client did not; returns whether it did. */
function requestStreamUsage(body: { stream?: unknown; stream_options?: StreamOptions | null }): boolean {
  if (body.stream !== true) return false;
  if (body.stream_options?.include_usage === true) return false;
  body.stream_options = { ...(body.stream_options ?? {}), include_usage: true };
  return true;
}

/** ~4 characters a token: for streams whose upstream sent no usage. */
function estimatedUsage(promptCharacters: number, completionCharacters: number): Usage {
  const prompt = Math.ceil(promptCharacters / 4);
  const completion = Math.ceil(completionCharacters / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A request refused before routing (bad input, model not allowed, budget, rate limit): a failure row. */
function refusedRequest(
  requestId: string,
  operation: Operation,
  identity: Identity,
  body: Record<string, unknown> | null,
  error: LlmgateError,
  startedAt: number,
): FinishedRequest {
  const model =
    body !== null && typeof body === "object" && typeof body.model === "string" ? body.model : undefined;
  return {
    requestId,
    responseId: undefined,
    operation,
    route: ROUTE_NAMES[operation],
    identity,
    modelGroup: model,
    model: undefined,
    deploymentId: undefined,
    prices: undefined,
    usage: undefined,
    status: error.status,
    errorCode: error.code ?? undefined,
    startedAt,
    endedAt: Date.now(),
  };
}

function createHandler<K extends Operation>(operation: K, options: ModelCallOptions) {
  const routeName = ROUTE_NAMES[operation];
  return async function handleModelCall(request: FastifyRequest, reply: FastifyReply) {
    const startedAt = performance.now();
    const startedAtMs = Date.now();
    const callId = randomUUID();
    reply.header("x-llmgate-call-id", callId);
    const pathModel = (request.params as { model?: string }).model;
    const body = request.body as Record<string, unknown> | null;
    if (body !== null && typeof body === "object" && pathModel !== undefined && body.model === undefined) {
      body.model = pathModel;
    }
    const identity = request.identity;
    let admission: Admission;
    let callRequest: OperationTypes[K]["request"];
    try {
      callRequest = checkModelCallBody(operation, body, options.allowClientCredentials);
      admission = await admit(identity, callRequest.model, options.limits, options.metrics, startedAtMs);
    } catch (error) {
      const mapped = toLlmgateError(error, options.bodyLimitBytes);
      options.spend.record(refusedRequest(callId, operation, identity, body, mapped, startedAtMs));
      reply.headers(routeHeaders(callId, undefined, startedAt, 0));
      throw mapped;
    }
    reply.headers(admission.headers);
    let isStreaming = false;
    let isRecorded = false;
    try {
      if (options.forcedModel !== undefined) callRequest.model = options.forcedModel;
      else if (!options.router.hasModel(admission.model))
        throw unknownModelError(admission.model, options.router);
      else callRequest.model = admission.model;
      const hideUsageChunk =
        operation !== "embeddings" &&
        requestStreamUsage(callRequest as { stream?: unknown; stream_options?: StreamOptions | null });

      const controller = new AbortController();
      reply.raw.once("close", () => {
        if (!reply.raw.writableEnded) controller.abort(new Error("the client closed the connection"));
      });
      const routeStartedAt = performance.now();
      const context = routeContextFromHeaders(request, controller.signal);
      if (options.allowClientCredentials) context.credentials = takeClientCredentials(callRequest);
      const outcome = await options.router.route(operation, callRequest, context);
      const upstreamMs = performance.now() - routeStartedAt;
      const headers = (meta: RouteMeta) => routeHeaders(callId, meta, startedAt, upstreamMs);
      const finished = (fields: {
        status: number;
        errorCode?: string | undefined;
        usage?: Usage | undefined;
        responseId?: string | undefined;
        model?: string | undefined;
      }) => {
        const deployment =
          outcome.meta.deploymentId === undefined
            ? undefined
            : options.router.deployment(outcome.meta.deploymentId);
        isRecorded = true;
        return options.spend.record({
          requestId: callId,
          responseId: fields.responseId,
          operation,
          route: routeName,
          identity,
          modelGroup: outcome.meta.modelGroup,
          model: fields.model,
          deploymentId: outcome.meta.deploymentId,
          prices:
            deployment === undefined
              ? undefined
              : {
                  ...(deployment.inputCost === undefined
                    ? {}
                    : { input_cost_per_token: deployment.inputCost }),
                  ...(deployment.outputCost === undefined
                    ? {}
                    : { output_cost_per_token: deployment.outputCost }),
                },
          usage: fields.usage,
          status: fields.status,
          errorCode: fields.errorCode,
          startedAt: startedAtMs,
          endedAt: Date.now(),
        });
      };
      if (!outcome.ok) {
        const error: LlmgateError = outcome.error;
        finished({ status: error.status, errorCode: error.code ?? undefined });
        return reply
          .code(error.status)
          .headers({ ...headers(outcome.meta), ...errorHeaders(error) })
          .send(error.toBody());
      }
      const result = outcome.result;
      if (result.kind === "response") {
        const data = result.data as { id?: string; usage?: Usage };
        const cost = finished({ status: 200, usage: data.usage, responseId: data.id, model: result.model });
        const spendHeaders: Record<string, string> = { "x-llmgate-response-cost": String(cost) };
        if (identity.kind === "virtual") spendHeaders["x-llmgate-key-spend"] = String(identity.key.spend);
        reply.headers({ ...headers(outcome.meta), ...spendHeaders });
        // Parsed once (for usage), never serialized again: the upstream's bytes go out as they came.
        if (result.rawBody !== undefined)
          return reply.type("application/json; charset=utf-8").send(result.rawBody);
        return reply.send(result.data);
      }
      isStreaming = true;
      reply.hijack();
      const writer = new SseWriter(reply.raw);
      reply.raw.once("close", () => {
        if (!reply.raw.writableEnded) result.stream.abort(new Error("the client closed the connection"));
      });
      writer.start({ ...admission.headers, ...headers(outcome.meta) });
      const relayed = await relayStream(result.stream as ChunkStream<unknown>, writer, request, {
        hideUsageChunk,
        bodyLimitBytes: options.bodyLimitBytes,
      });
      admission.release();
      finished({
        status: relayed.status,
        errorCode: relayed.errorCode,
        usage:
          relayed.usage ?? estimatedUsage(JSON.stringify(callRequest).length, relayed.completionCharacters),
        responseId: relayed.responseId,
        model: result.model,
      });
    } catch (error) {
      const mapped = toLlmgateError(error, options.bodyLimitBytes);
      if (!isRecorded) {
        options.spend.record(refusedRequest(callId, operation, identity, body, mapped, startedAtMs));
        if (!reply.sent) reply.headers(routeHeaders(callId, undefined, startedAt, 0));
      }
      throw mapped;
    } finally {
      if (!isStreaming) admission.release();
    }
  };
}

/** POST chat/completions/embeddings, each under `/` and `/v1/`, plus the Azure-style paths. */
export function registerModelCallRoutes(app: FastifyInstance, options: ModelCallOptions): void {
  for (const operation of ["chat", "completions", "embeddings"] as const) {
    const handler = createHandler(operation, options);
    for (const path of PATHS[operation]) {
      app.post(path, handler);
      app.post(`/v1${path}`, handler);
    }
  }
}
