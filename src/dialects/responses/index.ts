export {
  callResponses,
  DROPPED_BY_TRANSLATION,
  type ResponsesCallContext,
  type ResponsesParams,
  type ResponsesResult,
  type SdkCall,
} from "./call.js";
export { createResponseEventTransformer, type ResponseEventTransformer } from "./chat-stream-events.js";
export {
  continuedContext,
  type ItemListQuery,
  listInputItems,
  toInputItems,
  toUpstreamInput,
} from "./conversation.js";
export { fromChatCompletion } from "./from-chat-response.js";
export { createCountingIdSource, type ResponseIdSource, randomIdSource } from "./ids.js";
export { isNativeResponsesTarget } from "./native.js";
export { toChatUsage, toResponseUsage } from "./response-shell.js";
export { responses } from "./responses.js";
export { toChatRequest } from "./to-chat-request.js";
