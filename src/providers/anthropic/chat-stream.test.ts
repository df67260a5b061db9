import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { InternalServerError, ServiceUnavailableError } from "../../errors/index.js";
import { SseDecoder } from "../../http/sse/index.js";
import type { ChatCompletionChunk } from "../../openai/types.js";
import type { RepairContext } from "../types.js";
import { createAnthropicStreamTransformer } from "./chat-stream.js";
import { INCLUDE_STREAM_USAGE } from "./wire.js";

const target = {
  providerId: "anthropic",
  model: "claude-sonnet-4-5",
  apiBase: "https://api.anthropic.com",
  apiKey: "sk-ant-test",
  organization: undefined,
};

function callWith(sent: Record<string, unknown> = {}, includeUsage = false): RepairContext {
  return {
    target,
    sent: { model: "claude-sonnet-4-5", stream: true, ...sent, [INCLUDE_STREAM_USAGE]: includeUsage },
  };
}

function events(name: string): { event: string | undefined; payload: unknown }[] {
  const text = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
  const decoder = new SseDecoder();
  return [...decoder.push(text), ...decoder.flush()].map((event) => ({
    event: event.event,
    payload: JSON.parse(event.data),
  }));
}

function run(name: string, call: RepairContext): ChatCompletionChunk[] {
  const transformer = createAnthropicStreamTransformer(call);
  const chunks = events(name).flatMap(({ event, payload }) => transformer.push(payload, event));
  chunks.push(...transformer.flush());
  for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
  return chunks;
}

function contentOf(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
}

describe("createAnthropicStreamTransformer", () => {
  it("streams text with the assistant role first and the finish reason last, without usage unless asked", () => {
    const chunks = run("anthropic-text.sse", callWith());
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(chunks[0]).toMatchObject({
      id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
      model: "claude-sonnet-4-5-20250929",
    });
    expect(contentOf(chunks)).toBe("Hello!");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.filter((chunk) => chunk.choices[0]?.finish_reason !== null)).toHaveLength(1);
    expect(chunks.some((chunk) => chunk.usage !== undefined)).toBe(false);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it("ends with a usage chunk without choices when include_usage was asked", () => {
    const chunks = run("anthropic-text.sse", callWith({}, true));
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({
      prompt_tokens: 40,
      completion_tokens: 15,
      total_tokens: 55,
      prompt_tokens_details: { cached_tokens: 5 },
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 5,
    });
  });

  it("streams tool calls with index, id and name first, then argument pieces that add up to the JSON", () => {
    const chunks = run("anthropic-tool-use.sse", callWith());
    expect(contentOf(chunks)).toBe("Okay, let's check the weather.");
    const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
    for (const chunk of chunks) {
      for (const toolCall of (chunk.choices[0]?.delta.tool_calls ?? []) as {
        index: number;
        id?: string;
        function?: { name?: string; arguments?: string };
      }[]) {
        const entry = calls.get(toolCall.index) ?? { arguments: "" };
        if (toolCall.id !== undefined) entry.id = toolCall.id;
        if (toolCall.function?.name !== undefined) entry.name = toolCall.function.name;
        entry.arguments += toolCall.function?.arguments ?? "";
        calls.set(toolCall.index, entry);
      }
    }
    expect([...calls.entries()]).toEqual([
      [
        0,
        {
          id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
          name: "get_weather",
          arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}',
        },
      ],
      [1, { id: "toolu_02NoArguments", name: "get_time", arguments: "{}" }],
    ]);
    expect(JSON.parse(calls.get(0)?.arguments ?? "")).toEqual({
      location: "San Francisco, CA",
      unit: "fahrenheit",
    });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("streams the response_format tool's JSON as content, finishing with stop", () => {
    const transformer = createAnthropicStreamTransformer(
      callWith({ tools: [{ name: "json_tool_call", input_schema: { type: "object" } }] }),
    );
    const pushed = [
      {
        type: "message_start",
        message: { id: "msg_j", model: "m", usage: { input_tokens: 3, output_tokens: 1 } },
      },
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "t", name: "json_tool_call", input: {} },
      },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"a":' } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "1}" } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 5 } },
      { type: "message_stop" },
    ].flatMap((event) => transformer.push(event));
    expect(contentOf(pushed)).toBe('{"a":1}');
    expect(pushed.some((chunk) => chunk.choices[0]?.delta.tool_calls !== undefined)).toBe(false);
    expect(pushed.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("streams thinking as reasoning_content, with the signature in thinking_blocks", () => {
    const chunks = run("anthropic-thinking.sse", callWith());
    const reasoning = chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("");
    expect(reasoning).toBe(
      "Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3",
    );
    const signatures = chunks.flatMap((chunk) =>
      ((chunk.choices[0]?.delta.thinking_blocks ?? []) as { signature?: string }[]).flatMap((block) =>
        block.signature === undefined ? [] : [block.signature],
      ),
    );
    expect(signatures).toEqual(["EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."]);
    expect(contentOf(chunks)).toBe("27 * 453 = 12,231");
  });

  it("throws the mapped error for an error event, after the chunks before it", () => {
    const transformer = createAnthropicStreamTransformer(callWith());
    const received: ChatCompletionChunk[] = [];
    let thrown: unknown;
    try {
      for (const { event, payload } of events("anthropic-error.sse"))
        received.push(...transformer.push(payload, event));
    } catch (error) {
      thrown = error;
    }
    expect(contentOf(received)).toBe("Partial");
    expect(thrown).toBeInstanceOf(ServiceUnavailableError);
    expect((thrown as ServiceUnavailableError).isRetryable).toBe(true);
    expect((thrown as Error).message).toMatch(/Overloaded/);
  });

  it("refuses a stream that ends before message_stop", () => {
    const transformer = createAnthropicStreamTransformer(callWith());
    const [start] = events("anthropic-text.sse");
    transformer.push(start?.payload, start?.event);
    expect(() => transformer.flush()).toThrow(InternalServerError);
  });

  it("ignores pings and event types it does not know", () => {
    const transformer = createAnthropicStreamTransformer(callWith());
    expect(transformer.push({ type: "ping" })).toEqual([]);
    expect(transformer.push({ type: "content_block_future", index: 0 })).toEqual([]);
  });
});
