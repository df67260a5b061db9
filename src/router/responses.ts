import {
  callResponses,
  type ResponsesCallContext,
  type ResponsesParams,
} from "../dialects/responses/index.js";
import type { RouterRuntime } from "./runtime.js";
import type { CallFunction } from "./types.js";

/**
 * The runtime whose attempts make Responses calls: each deployment natively or through chat
 * completions (decided by its provider and `model_info.mode`), with the router's own call.
 * Selection, retries, fallbacks and cooldowns are the chat route's, unchanged.
 */
export function responsesRuntime(runtime: RouterRuntime): RouterRuntime {
  const sdkCall = runtime.call;
  const call = ((operation, params, context) =>
    operation === "responses"
      ? callResponses(params as ResponsesParams, context as ResponsesCallContext, sdkCall)
      : sdkCall(operation, params, context)) as CallFunction;
  return { ...runtime, call };
}
