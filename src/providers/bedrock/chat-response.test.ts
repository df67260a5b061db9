import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import type { UpstreamTarget } from "../types.js";
import { toConverseRequest } from "./chat-request.js";
import { fromConverseResponse, toFinishReason } from "./chat-response.js";

const target: UpstreamTarget = {
  providerId: "bedrock",
  model: "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
  apiBase: "https://bedrock-runtime.us-east-1.amazonaws.com",
  apiKey: undefined,
  organization: undefined,
};
const settings = { supportsSystemMessage: true, dropParams: false };

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
}

function answer(name: string, sent: Record<string, unknown> = { messages: [] }) {
  const response = fromConverseResponse(fixture(name), { target, sent });
  assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
  return response;
}

describe("fromConverseResponse", () => {
  it("turns a text answer into a chat.completion with usage", () => {
    const response = answer("bedrock-converse-text.json");
    expect(response).toMatchObject({
      object: "chat.completion",
      model: target.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Here is a short poem about the sea.", refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 30,
        completion_tokens: 9,
        total_tokens: 39,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(response.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
    expect(response.created).toBeGreaterThan(1_700_000_000);
  });

  it("turns toolUse blocks into tool_calls with JSON arguments, keeping the text", () => {
    const response = answer("bedrock-converse-tool-use.json");
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBe("I'll look up the weather for both cities.");
    expect(choice?.message.tool_calls).toEqual([
      {
        id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Paris"}' },
      },
      {
        id: "tooluse_Zr3TqRmWS_Oe2hUs1l0QGg",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Berlin","unit":"celsius"}' },
      },
    ]);
  });

  it("gives reasoning as reasoning_content and thinking_blocks, and counts cache reads and writes", () => {
    const response = answer("bedrock-converse-reasoning-cache.json");
    const message = response.choices[0]?.message;
    expect(message?.content).toBe("2 + 2 = 4.");
    expect(message?.reasoning_content).toBe("The user asks for 2+2. That is 4.");
    expect(message?.thinking_blocks).toEqual([
      {
        type: "thinking",
        thinking: "The user asks for 2+2. That is 4.",
        signature: "EqoBCkgIARABGAIiQL2ZbPpRtJ9Lq0gK",
      },
      { type: "redacted_thinking", data: "RXJyb3IgcmVkYWN0ZWQ=" },
    ]);
    expect(response.choices[0]?.finish_reason).toBe("length");
    expect(response.usage).toEqual({
      prompt_tokens: 1612,
      completion_tokens: 40,
      total_tokens: 1652,
      prompt_tokens_details: { cached_tokens: 1500 },
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 1500,
    });
  });

  it("gives a guardrail stop finish_reason content_filter", () => {
    expect(answer("bedrock-converse-guardrail.json").choices[0]?.finish_reason).toBe("content_filter");
  });

  it("gives the response_format tool's input as the content, finishing with stop", () => {
    const sent = toConverseRequest(
      {
        model: target.model,
        messages: [{ role: "user", content: "x" }],
        response_format: {
          type: "json_schema",
          json_schema: { name: "get_weather", schema: { type: "object" } },
        },
      },
      settings,
    );
    const response = answer("bedrock-converse-tool-use.json", sent);
    expect(response.choices[0]?.message.content).toBe('{"city":"Paris"}');
    // The other call of the same name is not the JSON answer: it stays a tool call.
    expect(response.choices[0]?.message.tool_calls).toHaveLength(1);
    expect(response.choices[0]?.finish_reason).toBe("tool_calls");
    const onlyJson = fromConverseResponse(
      {
        output: {
          message: {
            role: "assistant",
            content: [{ toolUse: { toolUseId: "t", name: "get_weather", input: { a: 1 } } }],
          },
        },
        stopReason: "tool_use",
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      },
      { target, sent },
    );
    expect(onlyJson.choices[0]).toMatchObject({ message: { content: '{"a":1}' }, finish_reason: "stop" });
  });

  it("gives content null for an answer of tool calls only", () => {
    const response = fromConverseResponse(
      {
        output: {
          message: { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "f", input: {} } }] },
        },
        stopReason: "tool_use",
      },
      { target, sent: { messages: [] } },
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBeNull();
    expect(response.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it("refuses an answer without output.message (a 200 that is no answer)", () => {
    expect(() => fromConverseResponse({ message: "oops" }, { target, sent: {} })).toThrow(
      /without output\.message/,
    );
  });

  it("maps every documented stop reason", () => {
    expect(
      [
        "end_turn",
        "stop_sequence",
        "max_tokens",
        "tool_use",
        "guardrail_intervened",
        "content_filtered",
        "model_context_window_exceeded",
        "new_one",
        undefined,
      ].map(toFinishReason),
    ).toEqual([
      "stop",
      "stop",
      "length",
      "tool_calls",
      "content_filter",
      "content_filter",
      "length",
      "stop",
      "stop",
    ]);
  });
});
