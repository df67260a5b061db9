import type { ChatCompletion } from "../../openai/types.js";
import { type CallContext, call } from "../../sdk/call.js";
import {
  CALL_OPTION_KEYS,
  type CallOptions,
  type CallParams,
  type CallResult,
  type ChunkStream,
  type ResponseSummary,
  type UpstreamHeaders,
} from "../../sdk/types.js";
import { toEventStream } from "./event-stream.js";
import { toAnthropicMessage } from "./from-chat-response.js";
import { nativeMessagesRoute } from "./native.js";
import { createAnthropicEventTransformer } from "./stream-events.js";
import { toChatRequest } from "./to-chat-request.js";
import type { Message, MessagesRequest, StreamEvent } from "./wire.js";

/**
 * The client's `anthropic-*` headers (`anthropic-version`, `anthropic-beta`), set by the proxy on
 * the request as a symbol property: routing copies it with the body, and it is never serialized.
 * A native call forwards them; a translated one has no use for them.
 */
export const CLIENT_HEADERS: unique symbol = Symbol("llmgate.anthropicClientHeaders");

/** An Anthropic request with LiteLLM's routing fields, as anthropicMessages() and the router's attempts pass it. */
export type MessagesParams = MessagesRequest &
  CallOptions & { custom_llm_provider?: string | undefined; [CLIENT_HEADERS]?: Record<string, string> };

interface Origin {
  headers: UpstreamHeaders;
  providerId: string;
  model: string;
}

/** What one call answers: an Anthropic message, or a stream of Anthropic events. */
export type MessagesResult =
  | (Origin & {
      kind: "response";
      data: Message;
      /** The upstream's bytes when they are the message as it came (native passthrough). */
      rawBody?: string | Buffer | undefined;
      /** `id`, and `usage` in chat's form (for spend, token limits and tpm routing). */
      summary: ResponseSummary;
    })
  | (Origin & { kind: "stream"; stream: ChunkStream<StreamEvent> });

/** The SDK's chat call (the router passes its own, so that tests may inject one). */
export type ChatCall = (
  operation: "chat",
  params: CallParams<"chat">,
  context?: CallContext,
) => Promise<CallResult<"chat">>;

/** Splits LiteLLM's routing fields (api_base, timeout, mock_response, ...) from the Anthropic body. */
export function splitMessagesParams(params: MessagesParams): {
  request: MessagesRequest;
  options: Record<string, unknown>;
} {
  const request: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  for (const key in params) {
    const value = (params as Record<string, unknown>)[key];
    if (CALL_OPTION_KEYS.has(key)) options[key] = value;
    else request[key] = value;
  }
  return { request: request as MessagesRequest, options };
}

/** Through chat completions: translate the request, call, translate the answer or the stream back. */
async function callThroughChat(
  request: MessagesRequest,
  options: Record<string, unknown>,
  context: CallContext,
  chatCall: ChatCall,
): Promise<MessagesResult> {
  const chatRequest = toChatRequest(request);
  const result = await chatCall("chat", Object.assign(chatRequest, options) as CallParams<"chat">, context);
  const origin = { headers: result.headers, providerId: result.providerId, model: result.model };
  if (result.kind === "stream") {
    const transformer = createAnthropicEventTransformer({ stopSequences: request.stop_sequences });
    return { ...origin, kind: "stream", stream: toEventStream(result.stream, transformer) };
  }
  const completion: ChatCompletion = result.data;
  const data = toAnthropicMessage(completion, request.stop_sequences);
  return { ...origin, kind: "response", data, summary: { id: data.id, usage: completion.usage } };
}

/**
 * One Anthropic Messages call to one model (`provider/model`): natively to a deployment whose
 * provider speaks Messages (the body as it came, only `model` replaced), else through chat.
 */
export async function callMessages(
  params: MessagesParams,
  context: CallContext = {},
  chatCall: ChatCall = call,
): Promise<MessagesResult> {
  const { request, options } = splitMessagesParams(params);
  const native = nativeMessagesRoute(request.model, options.custom_llm_provider);
  if (native !== undefined && options.mock_response === undefined) {
    const result = await native(request, options, params[CLIENT_HEADERS] ?? {}, context, chatCall);
    if (result !== undefined) return result;
  }
  return callThroughChat(request, options, context, chatCall);
}
