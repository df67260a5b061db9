import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { InternalServerError } from "../../errors/index.js";
import type { RepairContext } from "../types.js";
import { fromAnthropicResponse, toOpenAIFinishReason } from "./chat-response.js";

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
}

const target = {
  providerId: "anthropic",
  model: "claude-sonnet-4-5",
  apiBase: "https://api.anthropic.com",
  apiKey: "sk-ant-test",
  organization: undefined,
};
const call: RepairContext = { target, sent: { model: "claude-sonnet-4-5", messages: [], max_tokens: 4096 } };
const jsonCall: RepairContext = {
  target,
  sent: { ...call.sent, tools: [{ name: "json_tool_call", input_schema: { type: "object" } }] },
};

describe("fromAnthropicResponse", () => {
  it("maps a text answer with its usage", () => {
    const completion = fromAnthropicResponse(fixture("anthropic-text.json"), call);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", completion);
    expect(completion).toMatchObject({
      id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
      object: "chat.completion",
      model: "claude-sonnet-4-5-20250929",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hi! My name is Claude." },
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: 2095,
        completion_tokens: 503,
        total_tokens: 2598,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(completion.choices[0]?.message).not.toHaveProperty("tool_calls");
    expect(typeof completion.created).toBe("number");
  });

  it("maps tool_use blocks to tool_calls with JSON arguments and finish_reason tool_calls", () => {
    const completion = fromAnthropicResponse(fixture("anthropic-tool-use.json"), call);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", completion);
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBe("I'll check the weather in both cities.");
    expect(choice?.message.tool_calls).toEqual([
      {
        id: "toolu_01A09q90qw90lq917835lq9",
        type: "function",
        function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
      },
      {
        id: "toolu_01B19q90qw90lq917835lq8",
        type: "function",
        function: { name: "get_weather", arguments: '{"location":"Paris, France"}' },
      },
    ]);
  });

  it("keeps thinking as reasoning_content and thinking_blocks, and counts cache reads and writes in the prompt", () => {
    const completion = fromAnthropicResponse(fixture("anthropic-thinking.json"), call);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", completion);
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe("Based on my analysis, the answer is 42.");
    expect(message?.reasoning_content).toBe("Let me analyze this step by step...");
    expect(message?.thinking_blocks).toEqual([
      {
        type: "thinking",
        thinking: "Let me analyze this step by step...",
        signature: "WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL....",
      },
      {
        type: "redacted_thinking",
        data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP...",
      },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage).toEqual({
      prompt_tokens: 4250,
      completion_tokens: 800,
      total_tokens: 5050,
      prompt_tokens_details: { cached_tokens: 3000 },
      cache_creation_input_tokens: 1200,
      cache_read_input_tokens: 3000,
    });
  });

  it("returns the json_tool_call input as the content, finishing with stop, when a response_format asked for it", () => {
    const completion = fromAnthropicResponse(fixture("anthropic-json-tool.json"), jsonCall);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", completion);
    expect(completion.choices[0]?.message.content).toBe('{"name":"Ada Lovelace","born":1815}');
    expect(completion.choices[0]?.message).not.toHaveProperty("tool_calls");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("treats json_tool_call as an ordinary tool when the request had no response_format", () => {
    const completion = fromAnthropicResponse(fixture("anthropic-json-tool.json"), call);
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.choices[0]?.message.tool_calls?.[0]?.function.name).toBe("json_tool_call");
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("refuses a body that is not a message", () => {
    expect(() => fromAnthropicResponse({ type: "message" }, call)).toThrow(InternalServerError);
    expect(() => fromAnthropicResponse("nope", call)).toThrow(InternalServerError);
  });

  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["pause_turn", "stop"],
    [null, "stop"],
  ])("maps stop_reason %s to finish_reason %s", (stopReason, finishReason) => {
    expect(toOpenAIFinishReason(stopReason)).toBe(finishReason);
  });
});
