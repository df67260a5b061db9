import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import type { TransformSettings } from "../types.js";
import { resolveOllamaTarget } from "./api.js";
import { ollamaEmbeddings } from "./embeddings.js";

const settings: TransformSettings = { supportsSystemMessage: true, dropParams: false };
const target = resolveOllamaTarget("ollama")("all-minilm", {}, {});
const answer = JSON.parse(readFileSync(new URL("./__fixtures__/ollama-embed.json", import.meta.url), "utf8"));
const fromResponse = ollamaEmbeddings.fromResponse;
if (fromResponse === undefined) throw new Error("ollamaEmbeddings has no fromResponse");

describe("ollama embeddings (/api/embed)", () => {
  it("sends {model, input}, with dimensions, truncate, keep_alive and options", () => {
    expect(ollamaEmbeddings.path).toBe("/api/embed");
    const body = ollamaEmbeddings.toRequest(
      {
        model: "all-minilm",
        input: ["a", "b"],
        encoding_format: "base64",
        user: "u",
        dimensions: 3,
        truncate: false,
        num_ctx: 512,
      },
      settings,
    );
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      model: "all-minilm",
      input: ["a", "b"],
      dimensions: 3,
      truncate: false,
      options: { num_ctx: 512 },
    });
  });

  it("refuses token ids", () => {
    expect(() => ollamaEmbeddings.toRequest({ model: "m", input: [1, 2, 3] }, settings)).toThrow(/token ids/);
  });

  it("answers floats with usage from prompt_eval_count", () => {
    const sent = ollamaEmbeddings.toRequest({ model: "all-minilm", input: ["a", "b"] }, settings);
    const response = fromResponse(answer, { target, sent });
    assertMatchesOpenAISchema("CreateEmbeddingResponse", response);
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    expect(response.data[0]?.embedding).toEqual(answer.embeddings[0]);
    expect(response.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
    expect(response.model).toBe("all-minilm");
  });

  it("answers base64 little-endian float32 when asked (the openai client's default)", () => {
    const sent = ollamaEmbeddings.toRequest(
      { model: "all-minilm", input: "a", encoding_format: "base64" },
      settings,
    );
    // A copy, as call() sends `{...body, ...extra_body}`: the symbol must survive it. (The spec
    // types `embedding` as a float list only, so this answer is checked by decoding it.)
    const response = fromResponse(answer, { target, sent: { ...sent } });
    const encoded = response.data[1]?.embedding;
    expect(typeof encoded).toBe("string");
    const bytes = Buffer.from(encoded as string, "base64");
    const floats = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(floats).toHaveLength(5);
    for (const [index, value] of floats.entries()) expect(value).toBeCloseTo(answer.embeddings[1][index], 6);
  });

  it("refuses an answer without embeddings", () => {
    expect(() => fromResponse({ embeddings: "no" }, { target, sent: {} })).toThrow(/without embeddings/);
  });
});
