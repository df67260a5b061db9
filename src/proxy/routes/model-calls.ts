import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type ResponseCache, takeCacheControls } from "../../cache/index.js";
import { LlmgateError } from "../../errors/index.js";
import { LightAbortController } from "../../http/light-abort.js";
import type { StreamOptions, Usage } from "../../openai/types.js";
import type { Operation } from "../../providers/types.js";
import type { ChunkStream } from "../../sdk/types.js";
import { type Admission, admit } from "../admission.js";
import { CacheUse } from "../cache-use.js";
import { keyCacheControls, sendCachedAnswer } from "../cached-answers.js";
import { startCallObservation } from "../call-observation.js";
import type { Drain } from "../drain.js";
import { errorHeaders, toLlmgateError } from "../hooks/errors.js";
import type { LimitCounters } from "../limits/types.js";
import type { ProxyMetrics } from "../metrics.js";
import { checkModelCallBody, takeClientCredentials } from "../request-checks.js";
import { routeContextFromHeaders, routeHeaders } from "../route-headers.js";
import type { SpendTracker } from "../spend-tracker.js";
import { SseWriter } from "../sse-writer.js";
import { relayStream } from "../stream-relay.js";
import { bothTaps, StreamedAnswer } from "../streamed-answer.js";
import type { ProxyRouter, RouteMeta } from "../types.js";
import { allowedFallbacks, estimatedUsage, unknownModelError, usageOf } from "./call-fields.js";

export interface ModelCallOptions {
  router: ProxyRouter;
  limits: LimitCounters;
  spend: SpendTracker;
  metrics: ProxyMetrics;
  allowClientCredentials: boolean;
  /** Quick mode (`--model`): every request goes to this model, whatever it names. */
  forcedModel: string | undefined;
  bodyLimitBytes: number;
  /** Stops calls still open at the graceful-shutdown deadline; absent in apps that never drain. */
  drain?: Drain | undefined;
  /** The response cache (`litellm_settings.cache`); consulted before the router. */
  cache?: ResponseCache | undefined;
}

/** The operations these routes serve (`/v1/responses` has its own routes). */
type RelayedOperation = Exclude<Operation, "responses">;

const PATHS: Record<RelayedOperation, string[]> = {
  chat: [
    "/chat/completions",
    "/engines/:model/chat/completions",
    "/openai/deployments/:model/chat/completions",
  ],
  completions: ["/completions", "/engines/:model/completions", "/openai/deployments/:model/completions"],
  embeddings: ["/embeddings", "/engines/:model/embeddings", "/openai/deployments/:model/embeddings"],
};

const ROUTE_NAMES: Record<RelayedOperation, string> = {
  chat: "/chat/completions",
  completions: "/completions",
  embeddings: "/embeddings",
};

/** Asks the upstream for a stream's usage (for spend) when the client did not; returns whether it did. */
function requestStreamUsage(body: { stream?: unknown; stream_options?: StreamOptions | null }): boolean {
  if (body.stream !== true) return false;
  if (body.stream_options?.include_usage === true) return false;
  body.stream_options = Object.assign({}, body.stream_options, { include_usage: true });
  return true;
}

interface Outcome {
  status: number;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  /** The answer, read only by callbacks that log it. */
  response?: (() => unknown) | undefined;
  provider?: string | undefined;
  usage?: Usage | undefined;
  responseId?: string | undefined;
  model?: string | undefined;
  cacheHit?: boolean | undefined;
}

function createHandler<K extends RelayedOperation>(operation: K, options: ModelCallOptions) {
  const routeName = ROUTE_NAMES[operation];
  return async function handleModelCall(request: FastifyRequest, reply: FastifyReply) {
    const { callId, callStartedAt: startedAt } = request;
    const startedAtMs = Date.now();
    const identity = request.identity;
    const pathModel = (request.params as { model?: string }).model;
    const body = request.body as Record<string, unknown> | null;
    // `/openai/deployments/{model}/...` and `/engines/{model}/...` name the model in the path, and it
    // wins over the body's (the Azure client sends its deployment there and any name in the body).
    if (body !== null && typeof body === "object" && pathModel !== undefined) body.model = pathModel;
    const observation = startCallObservation(request, options.metrics, routeName);
    let isRecorded = false;
    const record = (outcome: Outcome, meta: RouteMeta | undefined): number => {
      isRecorded = true;
      const deploymentId = meta?.deploymentId;
      return options.spend.record({
        requestId: callId,
        responseId: outcome.responseId,
        operation,
        route: routeName,
        identity,
        modelGroup: meta?.modelGroup ?? (typeof body?.model === "string" ? body.model : undefined),
        model: outcome.model,
        deploymentId,
        prices: deploymentId === undefined ? undefined : options.router.deployment(deploymentId)?.prices,
        usage: outcome.usage,
        status: outcome.status,
        errorCode: outcome.errorCode,
        startedAt: startedAtMs,
        endedAt: Date.now(),
        cacheHit: outcome.cacheHit,
        trace: observation.trace,
        body,
        response: outcome.response,
        errorMessage: outcome.errorMessage,
        provider: outcome.provider,
        isStream: body?.stream === true,
      });
    };
    let admission: Admission | undefined;
    let cacheUse: CacheUse | undefined;
    try {
      const callRequest = checkModelCallBody(operation, body, options.allowClientCredentials);
      admission = await admit(identity, callRequest.model, options.limits, options.metrics, startedAtMs);
      reply.headers(admission.headers);
      if (options.forcedModel !== undefined) callRequest.model = options.forcedModel;
      else if (!options.router.hasModel(admission.model))
        throw unknownModelError(admission.model, options.router.modelNames());
      else callRequest.model = admission.model;
      allowedFallbacks(identity, callRequest);
      const callBody = callRequest as Record<string, unknown>;
      const controls = takeCacheControls(callBody, keyCacheControls(identity));
      const isStream = callBody.stream === true && operation !== "embeddings";
      const includeUsage =
        (callBody.stream_options as StreamOptions | null | undefined)?.include_usage === true;
      cacheUse =
        options.cache === undefined
          ? undefined
          : await CacheUse.start(options.cache, operation, callBody, controls, identity);
      if (cacheUse?.hit !== undefined) {
        // A hit never reaches the router: no cost, no tpm (the rpm was counted by the admission).
        const { body: cachedBody, parsed } = cacheUse.hit;
        record(
          {
            status: 200,
            usage: usageOf(parsed.usage),
            responseId: typeof parsed.id === "string" ? parsed.id : undefined,
            model: typeof parsed.model === "string" ? parsed.model : undefined,
            cacheHit: true,
          },
          undefined,
        );
        const hitHeaders: Record<string, string> = Object.assign(
          {},
          admission.headers,
          routeHeaders(callId, undefined, startedAt, 0),
          cacheUse.headers(),
          { "x-llmgate-response-cost": "0", "x-llmgate-model-group": encodeURI(String(callRequest.model)) },
        );
        if (identity.kind === "virtual") hitHeaders["x-llmgate-key-spend"] = String(identity.key.spend);
        sendCachedAnswer(reply, operation, cachedBody, parsed, { isStream, includeUsage }, hitHeaders);
        return reply;
      }
      const hideUsageChunk =
        operation !== "embeddings" &&
        requestStreamUsage(callRequest as { stream?: unknown; stream_options?: StreamOptions | null });

      const controller = new LightAbortController();
      reply.raw.once("close", () => {
        if (!reply.raw.writableEnded) controller.abort(new Error("the client closed the connection"));
      });
      options.drain?.onForcedStop(reply.raw, (error) => controller.abort(error));
      const context = routeContextFromHeaders(request, controller.signal);
      if (options.allowClientCredentials) context.credentials = takeClientCredentials(callRequest);
      context.observer = observation.trace;
      const routeStartedAt = performance.now();
      const outcome = await options.router.route(operation, callRequest, context);
      const headers = routeHeaders(callId, outcome.meta, startedAt, performance.now() - routeStartedAt);
      if (cacheUse !== undefined) Object.assign(headers, cacheUse.headers());
      else if (options.cache !== undefined) headers["x-llmgate-cache-hit"] = "false";
      if (!outcome.ok) {
        // Stopped by the shutdown deadline: that error, not the router's "aborted by the client".
        const reason: unknown = controller.signal.reason;
        const error: LlmgateError =
          controller.signal.aborted && LlmgateError.is(reason) ? reason : outcome.error;
        record(
          { status: error.status, errorCode: error.code ?? undefined, errorMessage: error.message },
          outcome.meta,
        );
        return reply
          .code(error.status)
          .headers({ ...headers, ...errorHeaders(error) })
          .send(error.toBody());
      }
      const result = outcome.result;
      if (result.kind === "response") {
        const merged = cacheUse?.answered(result.rawBody, () => result.data);
        const summary = (merged ?? result.summary ?? result.data) as { id?: unknown; usage?: unknown };
        const cost = record(
          {
            status: 200,
            usage: usageOf(summary.usage),
            responseId: typeof summary.id === "string" ? summary.id : undefined,
            model: result.model,
            provider: result.providerId,
            response: () => result.data,
          },
          outcome.meta,
        );
        headers["x-llmgate-response-cost"] = String(cost);
        if (identity.kind === "virtual") headers["x-llmgate-key-spend"] = String(identity.key.spend);
        reply.headers(headers);
        if (merged !== undefined) return reply.send(merged);
        // Parsed once (for usage), never serialized again: the upstream's bytes go out as they came.
        if (result.rawBody !== undefined)
          return reply.type("application/json; charset=utf-8").send(result.rawBody);
        return reply.send(result.data);
      }
      reply.hijack();
      const writer = new SseWriter(reply.raw);
      reply.raw.once("close", () => {
        if (!reply.raw.writableEnded) result.stream.abort(new Error("the client closed the connection"));
      });
      options.drain?.onForcedStop(reply.raw, (error) => result.stream.abort(error));
      try {
        writer.start(Object.assign({}, admission.headers, headers));
      } catch (error) {
        result.stream.abort(error);
        reply.raw.destroy();
        throw error;
      }
      const collector = cacheUse?.collector();
      const answer =
        operation !== "embeddings" && options.spend.sendsAnswerOf(body)
          ? new StreamedAnswer(operation)
          : undefined;
      const relayed = await relayStream(result.stream as ChunkStream<unknown>, writer, request, {
        hideUsageChunk,
        bodyLimitBytes: options.bodyLimitBytes,
        onChunk: bothTaps(collector?.tap, answer?.tap),
      });
      if (relayed.status === 200 && relayed.errorCode === undefined) cacheUse?.storeStream(collector);
      record(
        {
          status: relayed.status,
          errorCode: relayed.errorCode,
          usage:
            relayed.usage ?? estimatedUsage(JSON.stringify(callRequest).length, relayed.completionCharacters),
          responseId: relayed.responseId,
          model: result.model,
          provider: result.providerId,
          response: answer === undefined ? undefined : () => answer.answer(),
        },
        outcome.meta,
      );
    } catch (error) {
      const mapped = toLlmgateError(error, options.bodyLimitBytes);
      if (!LlmgateError.is(error) && mapped.status >= 500)
        request.log.error({ err: error }, "unhandled error");
      if (!isRecorded)
        record(
          { status: mapped.status, errorCode: mapped.code ?? undefined, errorMessage: mapped.message },
          undefined,
        );
      if (!reply.sent) reply.headers(routeHeaders(callId, undefined, startedAt, 0));
      throw mapped;
    } finally {
      // After the response, streamed or not: the request's parallel slot is free again.
      admission?.release();
      // Requests waiting for this one's answer go on without it when there is none to store.
      cacheUse?.finish();
      observation.end();
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
