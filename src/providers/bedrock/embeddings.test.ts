import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { EmbeddingRequest } from "../../openai/types.js";
import type { UpstreamTarget } from "../types.js";
import { bedrockEmbeddings } from "./embeddings.js";

const settings = { supportsSystemMessage: true, dropParams: false };

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
}

function targetFor(model: string): UpstreamTarget {
  return { providerId: "bedrock", model, apiBase: "https://x", apiKey: undefined, organization: undefined };
}

function body(request: EmbeddingRequest, options = settings) {
  return bedrockEmbeddings.toRequest(request, options);
}

function answer(request: EmbeddingRequest, name: string) {
  const sent = body(request);
  const response = bedrockEmbeddings.fromResponse?.(fixture(name), {
    target: targetFor(request.model),
    sent,
  });
  // The spec types `embedding` as a list only; OpenAI answers base64 as a string.
  if (request.encoding_format !== "base64") assertMatchesOpenAISchema("CreateEmbeddingResponse", response);
  return response;
}

describe("bedrock embeddings", () => {
  it("sends Titan v2 {inputText, dimensions} plus its own extras, and reads {embedding, inputTextTokenCount}", () => {
    const request = {
      model: "amazon.titan-embed-text-v2:0",
      input: ["hello there"],
      dimensions: 4,
      normalize: true,
    };
    expect(JSON.parse(JSON.stringify(body(request)))).toEqual({
      inputText: "hello there",
      dimensions: 4,
      normalize: true,
    });
    expect(answer(request, "bedrock-embeddings-titan.json")).toEqual({
      object: "list",
      data: [{ object: "embedding", index: 0, embedding: [0.0123, -0.0456, 0.0789, 0.5] }],
      model: "amazon.titan-embed-text-v2:0",
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
  });

  it("answers base64 (the openai client's default) as little-endian float32, as OpenAI does", () => {
    const response = answer(
      { model: "amazon.titan-embed-text-v2:0", input: "hello", encoding_format: "base64" },
      "bedrock-embeddings-titan.json",
    );
    const encoded = response?.data[0]?.embedding;
    expect(typeof encoded).toBe("string");
    const bytes = Buffer.from(encoded as string, "base64");
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(Array.from(floats)).toEqual([0.0123, -0.0456, 0.0789, 0.5].map(Math.fround));
  });

  it("sends Cohere {texts, input_type} (search_document unless given) and reads every vector", () => {
    const request = { model: "cohere.embed-english-v3", input: ["first text", "second", "third one"] };
    expect(JSON.parse(JSON.stringify(body(request)))).toEqual({
      texts: request.input,
      input_type: "search_document",
    });
    expect(
      JSON.parse(JSON.stringify(body({ ...request, input_type: "search_query", truncate: "END" }))),
    ).toEqual({
      texts: request.input,
      input_type: "search_query",
      truncate: "END",
    });
    const response = answer(request, "bedrock-embeddings-cohere.json");
    expect(response?.data.map((item) => item.embedding)).toEqual([
      [0.25, -0.5],
      [0.125, 1.0],
      [-0.75, 0.0],
    ]);
    // Cohere on Bedrock reports no count: about four characters a token.
    expect(response?.usage).toEqual({ prompt_tokens: 3 + 2 + 3, total_tokens: 8 });
  });

  it("reads Cohere's embeddings by type ({float: [...]}, when embedding_types was asked)", () => {
    const request = { model: "cohere.embed-v4:0", input: "x", dimensions: 256, embedding_types: ["float"] };
    expect(JSON.parse(JSON.stringify(body(request)))).toEqual({
      texts: ["x"],
      input_type: "search_document",
      output_dimension: 256,
      embedding_types: ["float"],
    });
    const response = bedrockEmbeddings.fromResponse?.(
      { embeddings: { float: [[1, 2]] }, response_type: "embeddings_by_type" },
      { target: targetFor(request.model), sent: body(request) },
    );
    expect(response?.data[0]?.embedding).toEqual([1, 2]);
  });

  it("refuses dimensions where the model has none, unless drop_params; and user likewise", () => {
    for (const model of ["amazon.titan-embed-text-v1", "cohere.embed-english-v3"]) {
      expect(() => body({ model, input: "x", dimensions: 8 })).toThrow(UnsupportedParamsError);
      expect(
        JSON.parse(
          JSON.stringify(body({ model, input: "x", dimensions: 8 }, { ...settings, dropParams: true })),
        ),
      ).not.toHaveProperty("dimensions");
    }
    expect(() => body({ model: "amazon.titan-embed-text-v2:0", input: "x", user: "u" })).toThrow(
      UnsupportedParamsError,
    );
  });

  it("refuses token-id inputs and models it does not know; several texts for Titan are split, one a call", () => {
    expect(() => body({ model: "amazon.titan-embed-text-v2:0", input: [1, 2, 3] })).toThrow(BadRequestError);
    const request = { model: "amazon.titan-embed-text-v2:0", input: ["a", "b"] };
    expect(bedrockEmbeddings.splitRequest?.(request)?.map((part) => part.input)).toEqual(["a", "b"]);
    expect(
      bedrockEmbeddings.splitRequest?.({ ...request, model: "cohere.embed-english-v3" }),
    ).toBeUndefined();
    expect(() => body({ model: "meta.llama3-8b-instruct-v1:0", input: "x" })).toThrow(
      /not an embedding model/,
    );
  });

  it("refuses an answer without embeddings", () => {
    const request = { model: "amazon.titan-embed-text-v2:0", input: "x" };
    expect(() =>
      bedrockEmbeddings.fromResponse?.(
        { message: "nope" },
        { target: targetFor(request.model), sent: body(request) },
      ),
    ).toThrow(/without embeddings/);
  });
});
