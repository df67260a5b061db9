import type { OperationDefinition, ProviderDefinition } from "../types.js";
import { type AccessTokenSourceOptions, createAccessTokenSource } from "./access-token.js";
import { resolveVertexTarget, VERTEX_AI_PROVIDER_ID, vertexEmbeddingsPath, vertexHeaders } from "./api.js";
import { mapVertexError, vertexChat } from "./chat.js";
import { fromVertexEmbeddingsResponse, toVertexEmbeddingsRequest } from "./embeddings.js";

export const vertexEmbeddings: OperationDefinition<"embeddings"> = {
  path: vertexEmbeddingsPath,
  toRequest: toVertexEmbeddingsRequest,
  fromResponse: fromVertexEmbeddingsResponse,
};

/**
 * `vertex_ai/<model>`: Gemini and Claude chat, text embeddings, as a service account. Each
 * provider made here keeps its own access-token cache.
 */
export function createVertexAIProvider(options: AccessTokenSourceOptions = {}): ProviderDefinition {
  const tokens = createAccessTokenSource(options);
  return {
    id: VERTEX_AI_PROVIDER_ID,
    resolveTarget: (model, targetOptions, env) => resolveVertexTarget(model, targetOptions, env, tokens),
    headers: vertexHeaders,
    operations: { chat: vertexChat, embeddings: vertexEmbeddings },
    mapError: mapVertexError,
  };
}

export const vertexAI: ProviderDefinition = createVertexAIProvider();

export { createAccessTokenSource, createAssertion } from "./access-token.js";
export { isClaudeModel, VERTEX_AI_PROVIDER_ID } from "./api.js";
export { readServiceAccount, type ServiceAccount } from "./credentials.js";
