export { anthropicMessages } from "./anthropic-messages.js";
export {
  type ChatCall,
  CLIENT_HEADERS,
  callMessages,
  type MessagesParams,
  type MessagesResult,
} from "./call.js";
export { countMessagesTokens } from "./count-tokens.js";
export { anthropicErrorType, toAnthropicError } from "./errors.js";
export { toAnthropicMessage } from "./from-chat-response.js";
export { createAnthropicEventTransformer } from "./stream-events.js";
export { toChatRequest } from "./to-chat-request.js";
export { toChatUsage } from "./usage.js";
export type * from "./wire.js";
