import type { ChatCompletionChunk, ChatCompletionRequest } from "../../openai/types.js";
import type { OperationDefinition, StreamTransformer, TransformSettings } from "../types.js";
import { repairChatCompletion } from "./repair.js";
import { hasSystemMessage, mapSystemMessages } from "./system-messages.js";

function toOpenAICompatibleChatRequest(
  request: ChatCompletionRequest,
  settings: TransformSettings,
): Record<string, unknown> {
  if (settings.supportsSystemMessage || !hasSystemMessage(request.messages)) return request;
  return { ...request, messages: mapSystemMessages(request.messages) };
}

/** The identity, kept lean: an OpenAI-compatible server already answers in OpenAI's shape. */
export function createPassThroughTransformer<Chunk>(): StreamTransformer<Chunk> {
  return {
    push: (event) => [event as Chunk],
    flush: () => [],
    isPassThrough: true,
  };
}

export const openAICompatibleChat: OperationDefinition<"chat"> = {
  path: "/chat/completions",
  toRequest: toOpenAICompatibleChatRequest,
  repairResponse: repairChatCompletion,
  createStreamTransformer: () => createPassThroughTransformer<ChatCompletionChunk>(),
};
