import {
  createAnthropicStreamTransformer,
  fromAnthropicResponse,
  mapAnthropicError,
  toAnthropicRequest,
} from "../anthropic/index.js";
import {
  createGeminiStreamTransformer,
  fromGeminiResponse,
  isRecord,
  mapGeminiError,
  toGeminiRequest,
} from "../gemini/index.js";
import type { OperationDefinition, UpstreamFailure } from "../types.js";
import { isClaudeModel, VERTEX_ANTHROPIC_VERSION, vertexChatPath } from "./api.js";

/**
 * Chat on Vertex AI: Gemini models take Gemini's generateContent body; Claude models take
 * Anthropic's Messages body, without `model` (it is in the URL) and with Vertex's
 * `anthropic_version`, and answer as Anthropic does (SSE events included).
 */
export const vertexChat: OperationDefinition<"chat"> = {
  path: vertexChatPath,
  toRequest(request, settings) {
    if (!isClaudeModel(request.model)) return toGeminiRequest(request, settings);
    const body: Record<string, unknown> = toAnthropicRequest(request, settings);
    // Deleted in place: the body keeps its symbol marks (the stream's include_usage).
    delete body.model;
    body.anthropic_version = VERTEX_ANTHROPIC_VERSION;
    return body;
  },
  fromResponse: (body, call) =>
    isClaudeModel(call.target.model) ? fromAnthropicResponse(body, call) : fromGeminiResponse(body, call),
  createStreamTransformer: (call) =>
    isClaudeModel(call.target.model)
      ? createAnthropicStreamTransformer(call)
      : createGeminiStreamTransformer(call),
};

/** Whether an error body is Anthropic's (`{"type": "error", "error": {"type": ...}}`), not Google's. */
function isAnthropicErrorBody(body: unknown): boolean {
  return (
    isRecord(body) && (body.type === "error" || (isRecord(body.error) && typeof body.error.type === "string"))
  );
}

/**
 * Vertex AI errors: Google's body for Gemini models and for Vertex's own refusals (quota,
 * credentials) on Claude models; Anthropic's body for Claude's own errors.
 */
export function mapVertexError(failure: UpstreamFailure) {
  return isClaudeModel(failure.target.model) && isAnthropicErrorBody(failure.body)
    ? mapAnthropicError(failure)
    : mapGeminiError(failure);
}
