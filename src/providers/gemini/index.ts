import type { OperationDefinition, ProviderDefinition } from "../types.js";
import {
  GEMINI_PROVIDER_ID,
  geminiChatPath,
  geminiEmbeddingsPath,
  geminiHeaders,
  resolveGeminiTarget,
} from "./api.js";
import { toGeminiRequest } from "./chat-request.js";
import { fromGeminiResponse } from "./chat-response.js";
import { createGeminiStreamTransformer } from "./chat-stream.js";
import { fromGeminiEmbeddingsResponse, toGeminiEmbeddingsRequest } from "./embeddings.js";
import { mapGeminiError } from "./errors.js";

/** Chat through `generateContent` (`streamGenerateContent?alt=sse` for streams). */
export const geminiChat: OperationDefinition<"chat"> = {
  path: geminiChatPath,
  toRequest: toGeminiRequest,
  fromResponse: fromGeminiResponse,
  createStreamTransformer: createGeminiStreamTransformer,
};

export const geminiEmbeddings: OperationDefinition<"embeddings"> = {
  path: geminiEmbeddingsPath,
  toRequest: toGeminiEmbeddingsRequest,
  fromResponse: fromGeminiEmbeddingsResponse,
};

/** `gemini/<model>`: Google AI Studio's Gemini API, chat and embeddings. */
export const gemini: ProviderDefinition = {
  id: GEMINI_PROVIDER_ID,
  resolveTarget: resolveGeminiTarget,
  headers: geminiHeaders,
  operations: { chat: geminiChat, embeddings: geminiEmbeddings },
  mapError: mapGeminiError,
};

export { GEMINI_PROVIDER_ID, modelSegment } from "./api.js";
export { toGeminiRequest } from "./chat-request.js";
export { fromGeminiResponse } from "./chat-response.js";
export { createGeminiStreamTransformer } from "./chat-stream.js";
export {
  embeddingInputsOf,
  notEmbeddings,
  taskTypeOf,
  toOpenAIEmbedding,
} from "./embeddings.js";
export { mapGeminiError } from "./errors.js";
export { ENCODING_FORMAT, isRecord } from "./wire.js";
