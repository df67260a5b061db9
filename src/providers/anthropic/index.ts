import type { OperationDefinition, ProviderDefinition } from "../types.js";
import {
  ANTHROPIC_PROVIDER_ID,
  anthropicHeaders,
  anthropicMessagesPath,
  resolveAnthropicTarget,
} from "./api.js";
import { toAnthropicRequest } from "./chat-request.js";
import { fromAnthropicResponse } from "./chat-response.js";
import { createAnthropicStreamTransformer } from "./chat-stream.js";
import { mapAnthropicError } from "./errors.js";

/** Chat through Anthropic's Messages API (`POST <base>/v1/messages`, SSE streams). */
export const anthropicChat: OperationDefinition<"chat"> = {
  path: anthropicMessagesPath,
  toRequest: toAnthropicRequest,
  fromResponse: fromAnthropicResponse,
  createStreamTransformer: createAnthropicStreamTransformer,
};

/** `anthropic/<model>`: chat only (Anthropic has no embeddings or text completions endpoint). */
export const anthropic: ProviderDefinition = {
  id: ANTHROPIC_PROVIDER_ID,
  resolveTarget: resolveAnthropicTarget,
  headers: anthropicHeaders,
  operations: { chat: anthropicChat },
  mapError: mapAnthropicError,
};

export {
  ANTHROPIC_PROVIDER_ID,
  type AnthropicEndpoint,
  anthropicApi,
  anthropicHeaders,
  anthropicMessagesPath,
  resolveAnthropicTarget,
} from "./api.js";
export { toAnthropicRequest } from "./chat-request.js";
export {
  fromAnthropicResponse,
  type ThinkingBlock,
  toOpenAIFinishReason,
  toOpenAIUsage,
} from "./chat-response.js";
export { createAnthropicStreamTransformer } from "./chat-stream.js";
export { mapAnthropicError } from "./errors.js";
export * from "./wire.js";
