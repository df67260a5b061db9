import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  CLIENT_HEADERS,
  countMessagesTokens,
  type MessagesParams,
  toAnthropicError,
} from "../../dialects/anthropic-messages/index.js";
import { LlmgateError } from "../../errors/index.js";
import { LightAbortController } from "../../http/light-abort.js";
import type { Usage } from "../../openai/types.js";
import { applyKeyAlias, canUseModel, checkModelAccess } from "../access.js";
import { type Admission, admit } from "../admission.js";
import { relayMessagesStream } from "../anthropic-relay.js";
import { startCallObservation } from "../call-observation.js";
import { errorHeaders, toLlmgateError } from "../hooks/errors.js";
import { checkModelCallBody, takeClientCredentials } from "../request-checks.js";
import { routeContextFromHeaders, routeHeaders } from "../route-headers.js";
import { SseWriter } from "../sse-writer.js";
import type { RouteMeta } from "../types.js";
import { unknownModelError, usageOf } from "./call-fields.js";
import type { ModelCallOptions } from "./model-calls.js";

const ROUTE_NAME = "/v1/messages";
/** The headers an Anthropic client sends that a native upstream must see. */
const FORWARDED_HEADERS = ["anthropic-version", "anthropic-beta"] as const;

function clientHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === "string" && value !== "") headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(",");
  }
  return headers;
}

/**
 * POST /v1/messages: the chat completions route's rules (key models, budgets, rpm/tpm, parallel
 * limits, spend rows, routing headers), with Anthropic's request, answer, events and errors.
 */
function createMessagesHandler(options: ModelCallOptions) {
  return async function handleMessages(request: FastifyRequest, reply: FastifyReply) {
    const { callId, callStartedAt: startedAt, identity } = request;
    const startedAtMs = Date.now();
    const body = request.body as Record<string, unknown> | null;
    const observation = startCallObservation(request, options.metrics, ROUTE_NAME);
    let isRecorded = false;
    const record = (
      outcome: {
        status: number;
        errorCode?: string | undefined;
        errorMessage?: string | undefined;
        response?: (() => unknown) | undefined;
        provider?: string | undefined;
        usage?: Usage | undefined;
        responseId?: string;
        model?: string;
      },
      meta: RouteMeta | undefined,
    ): number => {
      isRecorded = true;
      const deploymentId = meta?.deploymentId;
      return options.spend.record({
        requestId: callId,
        responseId: outcome.responseId,
        operation: "chat",
        callType: "anthropic_messages",
        route: ROUTE_NAME,
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
      const callRequest = checkModelCallBody(
        "chat",
        body,
        options.allowClientCredentials,
      ) as unknown as MessagesParams & Record<string, unknown>;
      admission = await admit(identity, callRequest.model, options.limits, options.metrics, startedAtMs);
      reply.headers(admission.headers);
      if (options.forcedModel !== undefined) callRequest.model = options.forcedModel;
      else if (!options.router.hasModel(admission.model))
        throw unknownModelError(admission.model, options.router.modelNames());
      else callRequest.model = admission.model;
      if (identity.kind === "virtual" && Array.isArray(callRequest.fallbacks)) {
        callRequest.fallbacks = callRequest.fallbacks.filter(
          (name: unknown) => typeof name === "string" && canUseModel(identity, name),
        );
      }
      callRequest[CLIENT_HEADERS] = clientHeaders(request);
      const controller = new LightAbortController();
      reply.raw.once("close", () => {
        if (!reply.raw.writableEnded) controller.abort(new Error("the client closed the connection"));
      });
      options.drain?.onForcedStop(reply.raw, (error) => controller.abort(error));
      const context = routeContextFromHeaders(request, controller.signal);
      if (options.allowClientCredentials) context.credentials = takeClientCredentials(callRequest);
      context.observer = observation.trace;
      const routeStartedAt = performance.now();
      const outcome = await options.router.routeAnthropicMessages(callRequest, context);
      const headers = routeHeaders(callId, outcome.meta, startedAt, performance.now() - routeStartedAt);
      if (!outcome.ok) {
        // Stopped by the shutdown deadline: that error, not the router's "aborted by the client".
        const reason: unknown = controller.signal.reason;
        const error: LlmgateError =
          controller.signal.aborted && LlmgateError.is(reason) ? reason : outcome.error;
        record(
          { status: error.status, errorCode: error.code ?? undefined, errorMessage: error.message },
          outcome.meta,
        );
        const rendered = toAnthropicError(error);
        return reply
          .code(rendered.status)
          .headers({ ...headers, ...errorHeaders(error) })
          .send(rendered.body);
      }
      const result = outcome.result;
      if (result.kind === "response") {
        const { summary } = result;
        const cost = record(
          {
            status: 200,
            usage: usageOf(summary.usage),
            ...(typeof summary.id === "string" ? { responseId: summary.id } : {}),
            model: result.model,
            provider: result.providerId,
            response: () => result.data,
          },
          outcome.meta,
        );
        headers["x-llmgate-response-cost"] = String(cost);
        if (identity.kind === "virtual") headers["x-llmgate-key-spend"] = String(identity.key.spend);
        reply.headers(headers);
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
      const end = () => {
        if (writer.isOpen) reply.raw.end();
      };
      const relayed = await relayMessagesStream(result.stream, writer, end, request, options.bodyLimitBytes);
      record(
        {
          status: relayed.status,
          errorCode: relayed.errorCode,
          usage: relayed.usage,
          ...(relayed.responseId === undefined ? {} : { responseId: relayed.responseId }),
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

/** POST /v1/messages/count_tokens: `{"input_tokens": N}`, counted here (no upstream call). */
function createCountTokensHandler(options: ModelCallOptions) {
  return async function handleCountTokens(request: FastifyRequest) {
    const callRequest = checkModelCallBody(
      "chat",
      request.body,
      options.allowClientCredentials,
    ) as unknown as MessagesParams;
    const identity = request.identity;
    // The key's model rule, as a message request meets it (no budget or rate counted: nothing is called).
    if (identity.kind === "virtual" && options.forcedModel === undefined)
      checkModelAccess(identity, applyKeyAlias(identity, callRequest.model));
    return { input_tokens: await countMessagesTokens(callRequest) };
  };
}

/** Anthropic's error body for every failure on these routes, auth and body parsing included. */
function createAnthropicErrorHandler(bodyLimitBytes: number) {
  return function handleAnthropicError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
    const mapped = toLlmgateError(error, bodyLimitBytes);
    if (mapped.status >= 500 && !LlmgateError.is(error)) request.log.error({ err: error }, "unhandled error");
    if (request.callId !== "" && !reply.hasHeader("x-llmgate-response-duration-ms")) {
      reply.header("x-llmgate-response-duration-ms", (performance.now() - request.callStartedAt).toFixed(3));
    }
    const rendered = toAnthropicError(mapped);
    reply.code(rendered.status).headers(errorHeaders(mapped)).send(rendered.body);
  };
}

/**
 * The Anthropic Messages routes, `/v1/messages` and `/messages` (Claude Code adds `?beta=true`),
 * and their count_tokens. Register them in a scope of their own: its error handler answers in
 * Anthropic's shape.
 */
export function registerAnthropicMessagesRoutes(scope: FastifyInstance, options: ModelCallOptions): void {
  scope.setErrorHandler(createAnthropicErrorHandler(options.bodyLimitBytes));
  const handler = createMessagesHandler(options);
  const countTokens = createCountTokensHandler(options);
  for (const prefix of ["", "/v1"]) {
    scope.post(`${prefix}/messages`, handler);
    scope.post(`${prefix}/messages/count_tokens`, countTokens);
  }
}
