import { describe, expect, it } from "vitest";
import { assertAnthropicShape } from "../../../test/spec/anthropic-shapes.js";
import type { ChatCompletion } from "../../openai/types.js";
import { toAnthropicMessage } from "./from-chat-response.js";

function completion(
  message: Record<string, unknown>,
  finishReason: string,
  extra: Record<string, unknown> = {},
): ChatCompletion {
  return {
    id: "chatcmpl-123",
    object: "chat.completion",
    created: 1,
    model: "gpt-x",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: null, ...message },
        finish_reason: finishReason,
        logprobs: null,
        ...extra,
      },
    ],
    usage: {
      prompt_tokens: 50,
      completion_tokens: 10,
      total_tokens: 60,
      prompt_tokens_details: { cached_tokens: 30 },
    },
  };
}

describe("toAnthropicMessage", () => {
  it("maps text, usage (cache reads out of input_tokens) and the id", () => {
    const message = toAnthropicMessage(completion({ content: "hi" }, "stop"));
    assertAnthropicShape("message", message);
    expect(message).toEqual({
      id: "msg_123",
      type: "message",
      role: "assistant",
      content: [{ type: "text", text: "hi" }],
      model: "gpt-x",
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 20,
        output_tokens: 10,
        cache_read_input_tokens: 30,
        cache_creation_input_tokens: 0,
      },
    });
  });

  it.each([
    ["length", "max_tokens"],
    ["content_filter", "refusal"],
    ["tool_calls", "tool_use"],
  ])("maps finish_reason %s to %s", (finish, stop) => {
    expect(toAnthropicMessage(completion({ content: "x" }, finish)).stop_reason).toBe(stop);
  });

  it("reports the stop sequence the server names (vLLM's stop_reason)", () => {
    const message = toAnthropicMessage(completion({ content: "1 2" }, "stop", { stop_reason: "END" }), [
      "END",
    ]);
    expect(message.stop_reason).toBe("stop_sequence");
    expect(message.stop_sequence).toBe("END");
    expect(
      toAnthropicMessage(completion({ content: "1 2" }, "stop", { stop_reason: 128001 }), ["END"])
        .stop_reason,
    ).toBe("end_turn");
  });

  it("makes thinking and tool_use blocks with input objects", () => {
    const message = toAnthropicMessage(
      completion(
        {
          reasoning: "hmm",
          tool_calls: [
            { id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
            { id: "c2", type: "function", function: { name: "g", arguments: "" } },
            { id: "c3", type: "function", function: { name: "h", arguments: "not json" } },
          ],
        },
        "stop",
      ),
    );
    assertAnthropicShape("message", message);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([
      { type: "thinking", thinking: "hmm", signature: "" },
      { type: "tool_use", id: "c1", name: "f", input: { a: 1 } },
      { type: "tool_use", id: "c2", name: "g", input: {} },
      { type: "tool_use", id: "c3", name: "h", input: { arguments: "not json" } },
    ]);
  });
});
