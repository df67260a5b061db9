import { describe, expect, it } from "vitest";
import type { ChatCompletion, ChatCompletionChunk, Completion, EmbeddingResponse } from "../openai/types.js";
import { mockResult } from "./mock.js";
import type { ChunkStream } from "./types.js";

async function readAll<Chunk>(stream: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function streamOf<Chunk>(result: { kind: string; stream?: ChunkStream<Chunk> }): ChunkStream<Chunk> {
  if (result.kind !== "stream" || result.stream === undefined) throw new Error("expected a stream");
  return result.stream;
}

describe("mockResult", () => {
  const messages = [{ role: "user" as const, content: "How are you?" }];

  it("answers a chat.completion with the text, usage that adds up, and the provider", () => {
    const result = mockResult("chat", { model: "m", messages }, "Fine, thanks.", "openai");
    expect(result.kind).toBe("response");
    expect(result.providerId).toBe("openai");
    const data = (result as { data: ChatCompletion }).data;
    expect(data.object).toBe("chat.completion");
    expect(data.model).toBe("m");
    expect(data.choices).toEqual([
      {
        index: 0,
        message: { role: "assistant", content: "Fine, thanks.", refusal: null },
        finish_reason: "stop",
        logprobs: null,
      },
    ]);
    expect(data.usage?.total_tokens).toBe(
      (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    );
  });

  it("streams a role chunk, the words, a stop chunk and, when asked, a usage chunk", async () => {
    const result = mockResult(
      "chat",
      { model: "m", messages, stream: true, stream_options: { include_usage: true } },
      "Fine, thanks.",
      "openai",
    );
    const chunks = await readAll(streamOf<ChatCompletionChunk>(result));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([
      { role: "assistant", content: "" },
      { content: "Fine, " },
      { content: "thanks." },
      {},
      null,
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([
      null,
      null,
      null,
      "stop",
      null,
    ]);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it("streams without a usage chunk unless asked", async () => {
    const chunks = await readAll(
      streamOf<ChatCompletionChunk>(
        mockResult("chat", { model: "m", messages, stream: true }, "a", "openai"),
      ),
    );
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
  });

  it("answers text completions, streamed and not", async () => {
    const whole = (
      mockResult("completions", { model: "m", prompt: "p" }, "one two", "openai") as { data: Completion }
    ).data;
    expect(whole).toMatchObject({
      object: "text_completion",
      choices: [{ index: 0, text: "one two", finish_reason: "stop" }],
    });
    const chunks = await readAll(
      streamOf<Completion>(
        mockResult(
          "completions",
          { model: "m", prompt: "p", stream: true, stream_options: { include_usage: true } },
          "one two",
          "openai",
        ),
      ),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? "").join("")).toBe("one two");
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("answers one embedding per input", () => {
    const one = (
      mockResult("embeddings", { model: "e", input: "x" }, "", "openai") as { data: EmbeddingResponse }
    ).data;
    expect(one.data).toHaveLength(1);
    const two = (
      mockResult("embeddings", { model: "e", input: ["x", "y"] }, "", "openai") as { data: EmbeddingResponse }
    ).data;
    expect(two.data.map((item) => item.index)).toEqual([0, 1]);
    expect(two.object).toBe("list");
    const tokens = (
      mockResult("embeddings", { model: "e", input: [1, 2, 3] }, "", "openai") as { data: EmbeddingResponse }
    ).data;
    expect(tokens.data).toHaveLength(1);
  });

  it("honours dimensions and encoding_format base64 (little-endian float32, as OpenAI sends)", () => {
    const request = { model: "e", input: "x", dimensions: 4, encoding_format: "base64" };
    const { data } = mockResult("embeddings", request, "", "openai") as { data: EmbeddingResponse };
    const encoded = data.data[0]?.embedding as string;
    const bytes = Buffer.from(encoded, "base64");
    const floats = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    expect(floats.map((value) => Math.round(value * 100) / 100)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
});
