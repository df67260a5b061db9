import type { OperationDefinition, ProviderDefinition } from "../types.js";
import { OLLAMA_CHAT_PROVIDER_ID, OLLAMA_PROVIDER_ID, ollamaHeaders, resolveOllamaTarget } from "./api.js";
import { toOllamaChatRequest } from "./chat-request.js";
import { fromOllamaChatResponse } from "./chat-response.js";
import { createOllamaChatStreamTransformer } from "./chat-stream.js";
import { createOllamaCompletionStreamTransformer, fromOllamaCompletionResponse } from "./completions.js";
import { ollamaEmbeddings } from "./embeddings.js";
import { mapOllamaError } from "./errors.js";
import { toOllamaCompletionRequest, toOllamaGenerateRequest } from "./generate-request.js";
import { OLLAMA_CHAT_PATH, OLLAMA_GENERATE_PATH } from "./wire.js";

/** `ollama_chat/`: chat through `POST /api/chat` (messages, tools, images, thinking), NDJSON streams. */
export const ollamaChatOperation: OperationDefinition<"chat"> = {
  path: OLLAMA_CHAT_PATH,
  streamFraming: "ndjson",
  toRequest: toOllamaChatRequest,
  fromResponse: fromOllamaChatResponse,
  createStreamTransformer: createOllamaChatStreamTransformer,
};

/** `ollama/`: chat through `POST /api/generate`, the messages flattened to a prompt as LiteLLM does. */
export const ollamaGenerateChat: OperationDefinition<"chat"> = {
  path: OLLAMA_GENERATE_PATH,
  streamFraming: "ndjson",
  toRequest: toOllamaGenerateRequest,
  fromResponse: fromOllamaChatResponse,
  createStreamTransformer: createOllamaChatStreamTransformer,
};

/** Text completions (`/v1/completions`) through `POST /api/generate`, the prompt as given. */
export const ollamaCompletions: OperationDefinition<"completions"> = {
  path: OLLAMA_GENERATE_PATH,
  streamFraming: "ndjson",
  toRequest: toOllamaCompletionRequest,
  fromResponse: fromOllamaCompletionResponse,
  createStreamTransformer: createOllamaCompletionStreamTransformer,
};

/** `ollama/<model>`: /api/generate for chat and text completions, /api/embed for embeddings. */
export const ollama: ProviderDefinition = {
  id: OLLAMA_PROVIDER_ID,
  resolveTarget: resolveOllamaTarget(OLLAMA_PROVIDER_ID),
  headers: ollamaHeaders,
  operations: { chat: ollamaGenerateChat, completions: ollamaCompletions, embeddings: ollamaEmbeddings },
  mapError: mapOllamaError,
};

/** `ollama_chat/<model>`: /api/chat for chat, /api/generate for text completions, /api/embed for embeddings. */
export const ollamaChat: ProviderDefinition = {
  id: OLLAMA_CHAT_PROVIDER_ID,
  resolveTarget: resolveOllamaTarget(OLLAMA_CHAT_PROVIDER_ID),
  headers: ollamaHeaders,
  operations: { chat: ollamaChatOperation, completions: ollamaCompletions, embeddings: ollamaEmbeddings },
  mapError: mapOllamaError,
};

export { OLLAMA_CHAT_PROVIDER_ID, OLLAMA_PROVIDER_ID, ollamaHeaders, resolveOllamaTarget } from "./api.js";
export { mapOllamaError } from "./errors.js";
