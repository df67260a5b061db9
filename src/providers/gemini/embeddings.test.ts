import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { BadRequestError } from "../../errors/index.js";
import { fromGeminiEmbeddingsResponse, toGeminiEmbeddingsRequest } from "./embeddings.js";
import { geminiTestTarget, readFixture } from "./test-fixtures.js";

const target = { ...geminiTestTarget, model: "gemini-embedding-001" };

describe("gemini embeddings", () => {
  it("builds a batchEmbedContents body, one request per input", () => {
    const body = toGeminiEmbeddingsRequest({
      model: "gemini-embedding-001",
      input: ["hello", "world"],
      dimensions: 768,
      task_type: "RETRIEVAL_QUERY",
    });
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      requests: [
        {
          model: "models/gemini-embedding-001",
          content: { parts: [{ text: "hello" }] },
          outputDimensionality: 768,
          taskType: "RETRIEVAL_QUERY",
        },
        {
          model: "models/gemini-embedding-001",
          content: { parts: [{ text: "world" }] },
          outputDimensionality: 768,
          taskType: "RETRIEVAL_QUERY",
        },
      ],
    });
  });

  it("refuses token lists", () => {
    expect(() => toGeminiEmbeddingsRequest({ model: "m", input: [1, 2, 3] })).toThrow(BadRequestError);
  });

  it("answers floats in OpenAI's shape, with estimated usage", () => {
    const sent = toGeminiEmbeddingsRequest({ model: "gemini-embedding-001", input: ["hello", "world"] });
    const response = fromGeminiEmbeddingsResponse(readFixture("gemini-embeddings.json"), { target, sent });
    assertMatchesOpenAISchema("CreateEmbeddingResponse", response);
    expect(response.data.map((item) => [item.index, item.embedding])).toEqual([
      [0, [0.0123, -0.0456, 0.0789, 0.5]],
      [1, [-0.25, 0.125, 0, 1]],
    ]);
    expect(response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(response.model).toBe("gemini-embedding-001");
  });

  it("encodes base64 (little-endian float32) when asked", () => {
    const sent = toGeminiEmbeddingsRequest({
      model: "gemini-embedding-001",
      input: "x",
      encoding_format: "base64",
    });
    const response = fromGeminiEmbeddingsResponse(readFixture("gemini-embeddings.json"), { target, sent });
    // (OpenAI's spec types `embedding` as a float list only; base64 is what its clients ask by default.)
    const bytes = Buffer.from(String(response.data[1]?.embedding), "base64");
    expect([...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)]).toEqual([
      -0.25, 0.125, 0, 1,
    ]);
  });
});
