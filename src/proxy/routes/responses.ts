import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  continuedContext,
  DROPPED_BY_TRANSLATION,
  randomIdSource,
  toChatUsage,
  toInputItems,
  toUpstreamInput,
} from "../../dialects/responses/index.js";
import { BadRequestError, LlmgateError } from "../../errors/index.js";
import { LightAbortController } from "../../http/light-abort.js";
import type { ResponseObject, ResponsesRequest } from "../../openai/responses.js";
import type { Usage } from "../../openai/types.js";
import type { ResponseStore } from "../../store/index.js";
import { type Admission, admit } from "../admission.js";
import { startCallObservation } from "../call-observation.js";
import { errorHeaders, toLlmgateError } from "../hooks/errors.js";
import { checkModelCallBody, takeClientCredentials } from "../request-checks.js";
import { relayResponsesStream } from "../responses-relay.js";
import { routeContextFromHeaders, routeHeaders } from "../route-headers.js";
import { SseWriter } from "../sse-writer.js";
import type { RouteMeta } from "../types.js";
import { allowedFallbacks, estimatedUsage, unknownModelError } from "./call-fields.js";
import type { ModelCallOptions } from "./model-calls.js";
import { findOwnedResponse, ownerOf, registerStoredResponseRoutes } from "./stored-responses.js";

export interface ResponsesRouteOptions extends ModelCallOptions {
  store: ResponseStore;
}

function checkResponsesBody(body: ResponsesRequest): void {
  const { input, previous_response_id: previous, store } = body;
  if (input !== undefined && input !== null && typeof input !== "string" && !Array.isArray(input))
    throw new BadRequestError({
      message: "input must be a string or a list of items",
      param: "input",
      code: "invalid_type",
    });
  if ((input === undefined || input === null) && typeof previous !== "string")
    throw new BadRequestError({ message: "input is required", param: "input", code: "missing_input" });
  if (previous !== undefined && previous !== null && typeof previous !== "string")
    throw new BadRequestError({
      message: "previous_response_id must be a string",
      param: "previous_response_id",
      code: "invalid_type",
    });
  if (store !== undefined && store !== null && typeof store !== "boolean")
    throw new BadRequestError({ message: "store must be a boolean", param: "store", code: "invalid_type" });
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
}

function createResponsesHandler(options: ResponsesRouteOptions) {
  return async function handleResponses(request: FastifyRequest, reply: FastifyReply) {
    const { callId, callStartedAt: startedAt, identity } = request;
    const startedAtMs = Date.now();
    const body = request.body as Record<string, unknown> | null;
    const observation = startCallObservation(request, options.metrics, "/responses");
    let isRecorded = false;
    const record = (outcome: Outcome, meta: RouteMeta | undefined): number => {
      isRecorded = true;
      const deploymentId = meta?.deploymentId;
      return options.spend.record({
        requestId: callId,
        responseId: outcome.responseId,
        operation: "responses",
        route: "/responses",
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
        trace: observation.trace,
        body,
        response: outcome.response,
        errorMessage: outcome.errorMessage,
        provider: outcome.provider,
        isStream: body?.stream === true,
      });
    };
    let admission: Admission | undefined;
    try {
      const callRequest = checkModelCallBody("responses", body, options.allowClientCredentials);
      checkResponsesBody(callRequest);
      admission = await admit(identity, callRequest.model, options.limits, options.metrics, startedAtMs);
      reply.headers(admission.headers);
      if (options.forcedModel !== undefined) callRequest.model = options.forcedModel;
      else if (!options.router.hasModel(admission.model))
        throw unknownModelError(admission.model, options.router.modelNames());
      else callRequest.model = admission.model;
      allowedFallbacks(identity, callRequest);

      // The conversation so far is ours (any deployment may continue it): the upstream gets it whole.
      const previousId =
        typeof callRequest.previous_response_id === "string" ? callRequest.previous_response_id : null;
      const previous =
        previousId === null ? undefined : await findOwnedResponse(options.store, identity, previousId);
      const inputItems = toInputItems(callRequest.input, randomIdSource);
      const contextItems =
        previous === undefined
          ? inputItems
          : [...continuedContext(previous.contextItems, previous.response.output), ...inputItems];
      if (previous !== undefined) callRequest.input = toUpstreamInput(contextItems);
      delete callRequest.previous_response_id;
      const isStored = callRequest.store !== false;
      const save = async (response: ResponseObject) => {
        if (!isStored || typeof response.id !== "string") return;
        await options.store.save({
          responseId: response.id,
          apiKey: ownerOf(identity),
          model: typeof response.model === "string" ? response.model : null,
          status: typeof response.status === "string" ? response.status : "completed",
          response,
          inputItems,
          contextItems,
          createdAt: new Date(startedAtMs).toISOString(),
        });
      };
      const patchResponse = (response: ResponseObject) => {
        response.previous_response_id = previousId;
      };

      const controller = new LightAbortController();
      reply.raw.once("close", () => {
        if (!reply.raw.writableEnded) controller.abort(new Error("the client closed the connection"));
      });
      options.drain?.onForcedStop(reply.raw, (error) => controller.abort(error));
      const context = routeContextFromHeaders(request, controller.signal);
      if (options.allowClientCredentials) context.credentials = takeClientCredentials(callRequest);
      context.observer = observation.trace;
      const routeStartedAt = performance.now();
      const outcome = await options.router.route("responses", callRequest, context);
      const headers = routeHeaders(callId, outcome.meta, startedAt, performance.now() - routeStartedAt);
      if (!outcome.ok) {
        const error: LlmgateError = outcome.error;
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
      const dropped = (result as { [DROPPED_BY_TRANSLATION]?: string[] })[DROPPED_BY_TRANSLATION];
      if (dropped !== undefined)
        request.log.debug(
          { dropped, deploymentId: outcome.meta.deploymentId },
          "responses: left out for a chat completions target",
        );
      if (result.kind === "response") {
        const response = result.data;
        patchResponse(response);
        await save(response);
        const cost = record(
          {
            status: 200,
            usage: response.usage === undefined ? undefined : toChatUsage(response.usage),
            responseId: response.id,
            model: result.model,
            provider: result.providerId,
            response: () => response,
          },
          outcome.meta,
        );
        headers["x-llmgate-response-cost"] = String(cost);
        if (identity.kind === "virtual") headers["x-llmgate-key-spend"] = String(identity.key.spend);
        return reply.headers(headers).send(response);
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
      const relayed = await relayResponsesStream(result.stream, writer, request, {
        request: callRequest,
        bodyLimitBytes: options.bodyLimitBytes,
        patchResponse,
        onFinal: save,
        end: () => reply.raw.end(),
      });
      const usage = relayed.response?.usage;
      record(
        {
          status: relayed.status,
          errorCode: relayed.errorCode,
          usage:
            usage !== undefined
              ? toChatUsage(usage)
              : estimatedUsage(JSON.stringify(callRequest.input ?? "").length, relayed.textCharacters),
          responseId: relayed.response?.id,
          model: result.model,
          provider: result.providerId,
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
      admission?.release();
      observation.end();
    }
  };
}

/**
 * OpenAI's Responses API: POST /responses (also under /v1), GET and DELETE /responses/{id},
 * GET /responses/{id}/input_items. Key rules, routing and spend as on chat completions.
 */
export function registerResponsesRoutes(scope: FastifyInstance, options: ResponsesRouteOptions): void {
  const handler = createResponsesHandler(options);
  scope.post("/responses", handler);
  scope.post("/v1/responses", handler);
  registerStoredResponseRoutes(scope, options.store);
}
