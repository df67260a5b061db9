import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import type { ChatCompletionChunk, ChatCompletionRequest } from "../../openai/types.js";
import type { UpstreamTarget } from "../types.js";
import { toConverseRequest } from "./chat-request.js";
import { createConverseStreamTransformer } from "./chat-stream.js";

const target: UpstreamTarget = {
  providerId: "bedrock",
  model: "anthropic.claude-3-7-sonnet-20250219-v1:0",
  apiBase: "https://bedrock-runtime.us-east-1.amazonaws.com",
  apiKey: undefined,
  organization: undefined,
};

/** The fixture's events, as the event-stream decoder gives them: `{"<type>": payload}`, named. */
function events(name: string): Array<{ payload: Record<string, unknown>; eventName: string }> {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const payload = JSON.parse(line) as Record<string, unknown>;
      return { payload, eventName: Object.keys(payload)[0] ?? "" };
    });
}

function run(name: string, request: Partial<ChatCompletionRequest> = {}): ChatCompletionChunk[] {
  const sent = toConverseRequest(
    { model: target.model, messages: [{ role: "user", content: "hi" }], stream: true, ...request },
    { supportsSystemMessage: true, dropParams: false },
  );
  const transformer = createConverseStreamTransformer({ target, sent });
  const chunks = [
    ...events(name).flatMap(({ payload, eventName }) => transformer.push(payload, eventName)),
    ...transformer.flush(),
  ];
  for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
  return chunks;
}

function textOf(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
}

describe("createConverseStreamTransformer", () => {
  it("turns text deltas into content chunks: role first, finish reason last, one id", () => {
    const chunks = run("bedrock-stream-text.jsonl");
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(textOf(chunks)).toBe("Hello, wörld 👋");
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0]?.finish_reason === null)).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.model === target.model)).toBe(true);
  });

  it("adds a usage chunk with empty choices only when stream_options.include_usage asks", () => {
    const chunks = run("bedrock-stream-text.jsonl", { stream_options: { include_usage: true } });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 },
    });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(run("bedrock-stream-text.jsonl").some((chunk) => chunk.usage !== undefined)).toBe(false);
  });

  it("streams tool calls: index, id and name first, then argument pieces that add up to the JSON", () => {
    const chunks = run("bedrock-stream-tool.jsonl");
    const deltas = chunks.flatMap(
      (chunk) => (chunk.choices[0]?.delta.tool_calls ?? []) as Array<Record<string, unknown>>,
    );
    expect(deltas[0]).toEqual({
      index: 0,
      id: "tooluse_abc123",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    const argumentsOf = (index: number) =>
      deltas
        .filter((delta) => delta.index === index)
        .map((delta) => (delta.function as { arguments?: string }).arguments ?? "")
        .join("");
    expect(JSON.parse(argumentsOf(0))).toEqual({ city: "Paris" });
    expect(deltas.find((delta) => delta.index === 1)).toMatchObject({
      id: "tooluse_def456",
      function: { name: "get_time" },
    });
    expect(JSON.parse(argumentsOf(1))).toEqual({ zone: "CET" });
    expect(textOf(chunks)).toBe("Let me check.");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("streams the response_format tool's input as content, finishing with stop", () => {
    const chunks = run("bedrock-stream-tool.jsonl", {
      response_format: {
        type: "json_schema",
        json_schema: { name: "get_weather", schema: { type: "object" } },
      },
    });
    expect(textOf(chunks)).toBe('Let me check.{"city": "Paris"}');
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas).toHaveLength(2);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("streams reasoning as reasoning_content, its signature in thinking_blocks, and cache usage", () => {
    const chunks = run("bedrock-stream-reasoning.jsonl", { stream_options: { include_usage: true } });
    const reasoning = chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("");
    expect(reasoning).toBe("Two plus two is four.");
    expect(chunks.flatMap((chunk) => chunk.choices[0]?.delta.thinking_blocks ?? [])).toEqual([
      { type: "thinking", thinking: "", signature: "EqoBCkgIARABGAIiQL2Zb" },
    ]);
    expect(textOf(chunks)).toBe("4");
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 60,
      completion_tokens: 30,
      prompt_tokens_details: { cached_tokens: 50 },
    });
  });

  it("finds the event by its payload's key when the framing gives no name, and ignores unknown events", () => {
    const sent = { messages: [] };
    const transformer = createConverseStreamTransformer({ target, sent });
    expect(transformer.push({ messageStart: { role: "assistant" } })).toHaveLength(1);
    expect(transformer.push({ somethingNew: { x: 1 } }, "somethingNew")).toEqual([]);
    expect(
      transformer.push({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: "a" } } })[0]?.choices[0]
        ?.delta,
    ).toEqual({ content: "a" });
  });

  it("refuses a stream that ends before messageStop", () => {
    const transformer = createConverseStreamTransformer({ target, sent: { messages: [] } });
    transformer.push({ messageStart: { role: "assistant" } }, "messageStart");
    transformer.push(
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "cut" } } },
      "contentBlockDelta",
    );
    expect(() => transformer.flush()).toThrow(/ended before its messageStop/);
  });
});
