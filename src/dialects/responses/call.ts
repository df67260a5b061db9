import { BadRequestError } from "../../errors/index.js";
import type { ResponsesRequest } from "../../openai/responses.js";
import type { ChatCompletion } from "../../openai/types.js";
import type { Operation } from "../../providers/types.js";
import { type CallContext, call } from "../../sdk/call.js";
import { resolveModel } from "../../sdk/resolve.js";
import { CALL_OPTION_KEYS, type CallOptions, type CallParams, type CallResult } from "../../sdk/types.js";
import { createResponseEventTransformer } from "./chat-stream-events.js";
import { toResponseEventStream } from "./event-stream.js";
import { fromChatCompletion } from "./from-chat-response.js";
import { type ResponseIdSource, randomIdSource } from "./ids.js";
import { isNativeResponsesTarget } from "./native.js";
import { toChatRequest } from "./to-chat-request.js";

/** A Responses request with LiteLLM's routing fields, as responses() and the router's attempts pass it. */
export type ResponsesParams = ResponsesRequest & CallOptions & { custom_llm_provider?: string | undefined };

export interface ResponsesCallContext extends CallContext {
  /** The router's deployment's `model_info.mode`: `responses` asks for the native endpoint. */
  deploymentMode?: string | undefined;
  /** Default: random ids and the wall clock. */
  ids?: ResponseIdSource;
}

/**
 * On a result that went through chat completions: what the translation left out (tools that are
 * not functions, items a chat target cannot take), for the caller's debug log. Absent when nothing was.
 */
export const DROPPED_BY_TRANSLATION: unique symbol = Symbol("llmgate.responsesDropped");

export type ResponsesResult = CallResult<"responses"> & { [DROPPED_BY_TRANSLATION]?: string[] };

/** The SDK's call (the router passes its own, so that tests may inject one). */
export type SdkCall = <K extends Operation>(
  operation: K,
  params: CallParams<K>,
  context?: CallContext,
) => Promise<CallResult<K>>;

function splitParams(params: ResponsesParams): {
  request: ResponsesRequest;
  options: Record<string, unknown>;
} {
  const request: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  for (const key in params) {
    const value = (params as Record<string, unknown>)[key];
    if (CALL_OPTION_KEYS.has(key)) options[key] = value;
    else request[key] = value;
  }
  return { request: request as ResponsesRequest, options };
}

async function callThroughChat(
  request: ResponsesRequest,
  options: Record<string, unknown>,
  context: ResponsesCallContext,
  sdkCall: SdkCall,
): Promise<ResponsesResult> {
  if (typeof request.previous_response_id === "string" && request.previous_response_id !== "") {
    throw new BadRequestError({
      message:
        "previous_response_id needs stored responses: only the llmgate proxy keeps them for models served through chat completions (send the whole conversation as input instead)",
      param: "previous_response_id",
    });
  }
  const ids = context.ids ?? randomIdSource;
  const { request: chatRequest, dropped } = toChatRequest(request);
  const result = await sdkCall("chat", Object.assign(chatRequest, options) as CallParams<"chat">, context);
  const origin = { headers: result.headers, providerId: result.providerId, model: result.model };
  const notes = dropped.length === 0 ? {} : { [DROPPED_BY_TRANSLATION]: dropped };
  if (result.kind === "stream") {
    const transformer = createResponseEventTransformer(request, ids);
    return { ...origin, ...notes, kind: "stream", stream: toResponseEventStream(result.stream, transformer) };
  }
  const completion: ChatCompletion = result.data;
  return { ...origin, ...notes, kind: "response", data: fromChatCompletion(completion, request, ids) };
}

/**
 * One Responses call to one model (`provider/model`): natively to OpenAI itself or to a deployment
 * whose mode is `responses`, else translated to chat completions and back.
 */
export async function callResponses(
  params: ResponsesParams,
  context: ResponsesCallContext = {},
  sdkCall: SdkCall = call,
): Promise<ResponsesResult> {
  const { request, options } = splitParams(params);
  if (typeof request.model !== "string" || request.model === "")
    throw new BadRequestError({ message: "model is required", param: "model" });
  const { provider, model } = resolveModel(request.model, params.custom_llm_provider);
  const isMock = options.mock_response !== undefined && options.mock_response !== null;
  const env = context.env ?? process.env;
  if (!isMock && isNativeResponsesTarget(provider, model, params, env, context.deploymentMode)) {
    return sdkCall("responses", params as CallParams<"responses">, context);
  }
  return callThroughChat(request, options, context, sdkCall);
}
