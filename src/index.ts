export {
  anthropicMessages,
  type Message as AnthropicMessage,
  type MessagesParams as AnthropicMessagesParams,
  type MessagesRequest as AnthropicMessagesRequest,
  type StreamEvent as AnthropicStreamEvent,
} from "./dialects/anthropic-messages/index.js";
export {
  type ResponsesCallContext,
  type ResponsesParams,
  responses,
} from "./dialects/responses/index.js";
export * from "./errors/index.js";
export { createHttpClient, type HttpClient } from "./http/client.js";
export type * from "./openai/responses.js";
export type * from "./openai/types.js";
export type {
  DeploymentConfig,
  LitellmSettings,
  RouteMeta,
  RouteOutcome,
  RouterConfig,
  RouterSettings,
} from "./router/index.js";
export { Router, type RouterDependencies } from "./router/index.js";
export { type CacheOptions, setCache } from "./sdk/cache.js";
export { type CallContext, call } from "./sdk/call.js";
export {
  type CompletionParams,
  completion,
  type EmbeddingParams,
  embedding,
  type TextCompletionParams,
  textCompletion,
} from "./sdk/completion.js";
export type { CacheControlOptions, CallOptions, CallResult, ChunkStream } from "./sdk/types.js";
export { completionCost, countMessageTokens, countTokens, type PriceOverrides } from "./spend/index.js";
