import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertEventSequence } from "../../../test/spec/anthropic-shapes.js";
import type { ChatCompletionChunk } from "../../openai/types.js";
import { createAnthropicEventTransformer } from "./stream-events.js";
import type { StreamEvent } from "./wire.js";

function chunks(name: string): ChatCompletionChunk[] {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ChatCompletionChunk);
}

function run(input: ChatCompletionChunk[], stopSequences?: string[]): StreamEvent[] {
  const transformer = createAnthropicEventTransformer({ stopSequences });
  const events = input.flatMap((chunk) => transformer.push(chunk));
  return [...events, ...transformer.flush()];
}

const sequence = (events: StreamEvent[]) => assertEventSequence(events.map((data) => ({ data })));

describe("createAnthropicEventTransformer", () => {
  it("turns reasoning, text and two tool calls into four blocks, then stop reason and usage", () => {
    const events = run(chunks("chat-stream-tool-thinking.jsonl"));
    sequence(events);
    expect(events[0]).toMatchObject({
      type: "message_start",
      message: { id: "msg_abc", model: "qwen3", content: [] },
    });
    expect(
      events.filter((event) => event.type === "content_block_start").map((event) => event.content_block),
    ).toEqual([
      { type: "thinking", thinking: "", signature: "" },
      { type: "text", text: "" },
      { type: "tool_use", id: "call_a", name: "get_weather", input: {} },
      { type: "tool_use", id: "call_b", name: "get_time", input: {} },
    ]);
    const deltas = events.flatMap((event) =>
      event.type === "content_block_delta" ? [[event.index, event.delta]] : [],
    );
    expect(deltas).toEqual([
      [0, { type: "thinking_delta", thinking: "Need the " }],
      [0, { type: "thinking_delta", thinking: "weather." }],
      [1, { type: "text_delta", text: "Let me check." }],
      [2, { type: "input_json_delta", partial_json: '{"city": "Paris"}' }],
      [3, { type: "input_json_delta", partial_json: '{"zone":"CET"}' }],
    ]);
    expect(events.at(-2)).toEqual({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: {
        input_tokens: 20,
        output_tokens: 40,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 0,
      },
    });
    expect(events.at(-1)).toEqual({ type: "message_stop" });
  });

  it("reports a matched stop sequence", () => {
    const events = run(chunks("chat-stream-stop-sequence.jsonl"), ["END"]);
    sequence(events);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: "stop_sequence", stop_sequence: "END" } });
  });

  it("maps length to max_tokens", () => {
    const input = chunks("chat-stream-stop-sequence.jsonl").map((chunk) => ({
      ...chunk,
      choices: chunk.choices.map((choice) => ({
        ...choice,
        finish_reason: choice.finish_reason === null ? null : "length",
      })),
    }));
    expect(run(input).at(-2)).toMatchObject({ delta: { stop_reason: "max_tokens" } });
  });

  it("still gives a whole sequence for a stream without any chunk", () => {
    const events = run([]);
    sequence(events);
    expect(events.map((event) => event.type)).toEqual([
      "message_start",
      "ping",
      "message_delta",
      "message_stop",
    ]);
  });
});
