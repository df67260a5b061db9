import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { InternalServerError, LlmgateError } from "../../errors/index.js";
import { NdjsonDecoder } from "../../http/ndjson/decoder.js";
import type { ChatCompletionChunk } from "../../openai/types.js";
import type { RepairContext } from "../types.js";
import { resolveOllamaTarget } from "./api.js";
import { createOllamaChatStreamTransformer } from "./chat-stream.js";
import { INCLUDE_STREAM_USAGE } from "./wire.js";

const target = resolveOllamaTarget("ollama_chat")("llama3.2", {}, {});

function callOf(includeUsage: boolean): RepairContext {
  return { target, sent: { stream: true, [INCLUDE_STREAM_USAGE]: includeUsage } };
}

/** The fixture's bytes through the NDJSON decoder and the transformer, three bytes at a time. */
function streamFixture(name: string, includeUsage = false): ChatCompletionChunk[] {
  const bytes = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
  const decoder = new NdjsonDecoder();
  const transformer = createOllamaChatStreamTransformer(callOf(includeUsage));
  const chunks: ChatCompletionChunk[] = [];
  for (let start = 0; start < bytes.length; start += 3) {
    for (const event of decoder.push(bytes.subarray(start, start + 3)))
      chunks.push(...transformer.push(JSON.parse(event.data)));
  }
  for (const event of decoder.flush()) chunks.push(...transformer.push(JSON.parse(event.data)));
  chunks.push(...transformer.flush());
  for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
  return chunks;
}

const contentOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");

describe("createOllamaChatStreamTransformer", () => {
  it("gives the assistant role first, the text as it comes, then the finish reason", () => {
    const chunks = streamFixture("ollama-chat.ndjson");
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "The" });
    expect(contentOf(chunks)).toBe("The sky is blue.");
    expect(chunks.at(-1)?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: "stop", logprobs: null });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true);
  });

  it("adds a last chunk without choices with the counts when usage was asked for", () => {
    const chunks = streamFixture("ollama-chat.ndjson", true);
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("streams thinking as reasoning_content and done_reason length as length", () => {
    const chunks = streamFixture("ollama-chat-thinking.ndjson");
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("")).toBe(
      "Let me count.",
    );
    expect(contentOf(chunks)).toBe("Three.");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("length");
  });

  it("streams a tool call as one delta with index, id, name and the whole arguments", () => {
    const chunks = streamFixture("ollama-chat-tools.ndjson");
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas).toHaveLength(1);
    expect(toolDeltas[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: "function",
      function: { name: "get_current_weather" },
    });
    const args = (toolDeltas[0] as { function: { arguments: string } }).function.arguments;
    expect(JSON.parse(args)).toEqual({ format: "celsius", location: "Paris, FR" });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("numbers several tool calls in order", () => {
    const transformer = createOllamaChatStreamTransformer(callOf(false));
    const toolCall = (name: string) => ({ function: { name, arguments: { a: 1 } } });
    const chunks = [
      ...transformer.push({
        message: { role: "assistant", content: "", tool_calls: [toolCall("f"), toolCall("g")] },
      }),
      ...transformer.push({
        message: { role: "assistant", content: "", tool_calls: [toolCall("h")] },
        done: true,
      }),
    ];
    const indexes = chunks.flatMap(
      (chunk) => (chunk.choices[0]?.delta.tool_calls ?? []) as { index: number }[],
    );
    expect(indexes.map((call) => call.index)).toEqual([0, 1, 2]);
  });

  it("throws an error line as our error, after the text before it", () => {
    const bytes = readFileSync(new URL("./__fixtures__/ollama-chat-error.ndjson", import.meta.url), "utf8");
    const transformer = createOllamaChatStreamTransformer(callOf(false));
    const [first, second] = bytes.trim().split("\n");
    expect(contentOf(transformer.push(JSON.parse(first ?? "")))).toBe("Partial");
    let caught: unknown;
    try {
      transformer.push(JSON.parse(second ?? ""));
    } catch (error) {
      caught = error;
    }
    expect(LlmgateError.is(caught)).toBe(true);
    expect((caught as LlmgateError).message).toMatch(/unexpected EOF/);
    expect((caught as LlmgateError).isRetryable).toBe(true);
  });

  it("refuses a stream that ends before its done line", () => {
    const transformer = createOllamaChatStreamTransformer(callOf(false));
    transformer.push({ message: { role: "assistant", content: "cut" }, done: false });
    expect(() => transformer.flush()).toThrow(InternalServerError);
  });

  it("streams /api/generate lines (ollama/) from `response`", () => {
    const chunks = streamFixture("ollama-generate.ndjson", true);
    expect(contentOf(chunks)).toBe("The sky");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("length");
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 26, completion_tokens: 259, total_tokens: 285 });
  });
});

describe("createOllamaChatStreamTransformer with inline <think> reasoning", () => {
  it("streams it as reasoning_content, the rest as content, however the tags are cut", () => {
    const transformer = createOllamaChatStreamTransformer(callOf(false));
    const line = (content: string, done = false) => ({ message: { role: "assistant", content }, done });
    const chunks = [
      ...transformer.push(line("<thi")),
      ...transformer.push(line("nk>Hmm")),
      ...transformer.push(line(".</think")),
      ...transformer.push(line(">\n\nYes")),
      ...transformer.push(line(".", true)),
    ];
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("")).toBe("Hmm.");
    expect(contentOf(chunks)).toBe("Yes.");
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
  });
});
