import {
  type ChatCall,
  callMessages,
  type MessagesParams,
  type MessagesResult,
} from "../dialects/anthropic-messages/index.js";
import type { LlmgateError } from "../errors/index.js";
import type { ChatCompletionRequest } from "../openai/types.js";
import { routeRequest } from "./route-request.js";
import type { RouterRuntime } from "./runtime.js";
import type { CallFunction, RequestRoutingFields, RouteContext, RouteMeta } from "./types.js";

export type MessagesRouteOutcome = { meta: RouteMeta } & (
  | { ok: true; result: MessagesResult }
  | { ok: false; error: LlmgateError }
);

/**
 * The runtime whose attempts make Anthropic Messages calls: each deployment is asked natively or
 * through chat (the router's own call), by its provider. Everything else (selection, retries,
 * fallbacks, cooldowns, limits) is the chat route's, unchanged.
 */
export function messagesRuntime(runtime: RouterRuntime): RouterRuntime {
  const chatCall: ChatCall = runtime.call;
  const call = ((_operation, params, context) =>
    callMessages(params as unknown as MessagesParams, context, chatCall)) as CallFunction;
  return { ...runtime, call };
}

/** Routes an Anthropic request as a chat completion is routed; the answer is in Anthropic's shape. */
export function routeMessages(
  runtime: RouterRuntime,
  request: MessagesParams & RequestRoutingFields,
  context: RouteContext,
): Promise<MessagesRouteOutcome> {
  const asRouted = request as unknown as ChatCompletionRequest & RequestRoutingFields;
  return routeRequest(runtime, "chat", asRouted, context) as unknown as Promise<MessagesRouteOutcome>;
}
