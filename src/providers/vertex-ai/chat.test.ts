import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { ContextWindowExceededError, RateLimitError } from "../../errors/index.js";
import { INCLUDE_STREAM_USAGE } from "../anthropic/index.js";
import { toGeminiRequest } from "../gemini/index.js";
import type { UpstreamTarget } from "../types.js";
import { mapVertexError, vertexChat } from "./chat.js";
import { fromVertexEmbeddingsResponse, toVertexEmbeddingsRequest } from "./embeddings.js";

const settings = { supportsSystemMessage: true, dropParams: false };
const target: UpstreamTarget = {
  providerId: "vertex_ai",
  model: "claude-sonnet-4-5@20250929",
  apiBase: "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5",
  apiKey: undefined,
  organization: undefined,
};

describe("vertex_ai chat", () => {
  it("sends Gemini models Gemini's body", () => {
    const request = {
      model: "gemini-2.5-pro",
      messages: [{ role: "user" as const, content: "Hi" }],
      temperature: 0,
    };
    expect(vertexChat.toRequest(request, settings)).toEqual(toGeminiRequest(request, settings));
  });

  it("sends Claude models Anthropic's body without model, with vertex-2023-10-16, keeping the stream's usage mark", () => {
    const body = vertexChat.toRequest(
      {
        model: "claude-sonnet-4-5@20250929",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
        ],
        stream: true,
        stream_options: { include_usage: true },
      },
      settings,
    );
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      system: [{ type: "text", text: "Be brief." }],
      max_tokens: 4096,
      stream: true,
      anthropic_version: "vertex-2023-10-16",
    });
    expect((body as { [INCLUDE_STREAM_USAGE]?: unknown })[INCLUDE_STREAM_USAGE]).toBe(true);
  });

  it("reads Claude's answer as Anthropic's", () => {
    const completion = vertexChat.fromResponse?.(
      {
        id: "msg_vrtx_1",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5",
        content: [{ type: "text", text: "Hello" }],
        stop_reason: "end_turn",
        usage: { input_tokens: 3, output_tokens: 1 },
      },
      { target, sent: {} },
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", completion);
    expect(completion?.choices[0]?.message.content).toBe("Hello");
  });

  it("maps Claude's Anthropic errors and Vertex's own Google errors", () => {
    const anthropic = mapVertexError({
      status: 400,
      body: {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "prompt is too long: 300000 tokens > 200000 maximum",
        },
      },
      headers: {},
      target,
    });
    expect(anthropic).toBeInstanceOf(ContextWindowExceededError);
    const quota = mapVertexError({
      status: 429,
      body: {
        error: {
          code: 429,
          message: "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model",
          status: "RESOURCE_EXHAUSTED",
        },
      },
      headers: {},
      target,
    });
    expect(quota).toBeInstanceOf(RateLimitError);
    expect(quota.message).toContain("vertex_ai error (429)");
  });
});

describe("vertex_ai embeddings", () => {
  it("sends instances and reads predictions with their token counts", () => {
    const sent = toVertexEmbeddingsRequest({
      model: "text-embedding-005",
      input: ["a b", "c"],
      dimensions: 3,
    });
    expect(JSON.parse(JSON.stringify(sent))).toEqual({
      instances: [{ content: "a b" }, { content: "c" }],
      parameters: { outputDimensionality: 3 },
    });
    const response = fromVertexEmbeddingsResponse(
      {
        predictions: [
          { embeddings: { values: [0.1, 0.2, 0.3], statistics: { token_count: 2, truncated: false } } },
          { embeddings: { values: [0.4, 0.5, 0.6], statistics: { token_count: 1, truncated: false } } },
        ],
        metadata: { billableCharacterCount: 4 },
      },
      { target: { ...target, model: "text-embedding-005" }, sent },
    );
    assertMatchesOpenAISchema("CreateEmbeddingResponse", response);
    expect(response.data.map((item) => item.embedding)).toEqual([
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
    ]);
    expect(response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });
});
