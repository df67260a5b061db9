import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { ContentPolicyViolationError } from "../../errors/index.js";
import { SseDecoder } from "../../http/sse/index.js";
import type { ChatCompletionChunk } from "../../openai/types.js";
import { createGeminiStreamTransformer } from "./chat-stream.js";
import { readFixture, readFixtureText, geminiTestTarget as target } from "./test-fixtures.js";
import { INCLUDE_STREAM_USAGE } from "./wire.js";

function run(name: string, includeUsage: boolean): ChatCompletionChunk[] {
  const transformer = createGeminiStreamTransformer({
    target,
    sent: { [INCLUDE_STREAM_USAGE]: includeUsage },
  });
  const decoder = new SseDecoder();
  const events = [...decoder.push(readFixtureText(name)), ...decoder.flush()];
  const chunks = events.flatMap((event) => transformer.push(JSON.parse(event.data)));
  chunks.push(...transformer.flush());
  for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
  return chunks;
}

describe("createGeminiStreamTransformer", () => {
  it("turns text events into content deltas, thoughts into reasoning_content, and the finish into its own chunk", () => {
    const chunks = run("gemini-stream-text.sse", false);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", reasoning_content: "**Planning**", content: "" },
      { content: "Hello" },
      { content: ", world!" },
      {},
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null, null, null, "stop"]);
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(["chatcmpl-sse-text-1"]));
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
  });

  it("sends the last usage in a final chunk with no choices when include_usage asked for it", () => {
    const chunks = run("gemini-stream-text.sse", true);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({
      prompt_tokens: 8,
      completion_tokens: 34,
      total_tokens: 42,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
  });

  it("emits each whole function call as one tool-call delta with an index, an id and its full arguments", () => {
    const chunks = run("gemini-stream-tool.sse", false);
    const toolCalls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []) as {
      index: number;
      id: string;
      function: { name: string; arguments: string };
    }[];
    expect(
      toolCalls.map((toolCall) => [
        toolCall.index,
        toolCall.function.name,
        JSON.parse(toolCall.function.arguments),
      ]),
    ).toEqual([
      [0, "get_weather", { city: "Paris" }],
      [1, "get_time", { zone: "UTC" }],
    ]);
    expect(toolCalls[0]?.id).toMatch(/^call_[0-9a-f]{24}__thought__c2lnLTE=$/);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("throws a ContentPolicyViolationError for a blocked prompt", () => {
    const transformer = createGeminiStreamTransformer({ target, sent: {} });
    expect(() => transformer.push(readFixture("gemini-blocked.json"))).toThrow(ContentPolicyViolationError);
  });

  it("keeps candidates apart by index", () => {
    const transformer = createGeminiStreamTransformer({ target, sent: {} });
    const chunks = transformer.push({
      candidates: [
        { index: 0, content: { parts: [{ text: "A" }] } },
        { index: 1, content: { parts: [{ text: "B" }] }, finishReason: "STOP" },
      ],
    });
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    expect(
      chunks.map((chunk) => [
        chunk.choices[0]?.index,
        chunk.choices[0]?.delta,
        chunk.choices[0]?.finish_reason,
      ]),
    ).toEqual([
      [0, { role: "assistant", content: "A" }, null],
      [1, { role: "assistant", content: "B" }, null],
      [1, {}, "stop"],
    ]);
  });
});
