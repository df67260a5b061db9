import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import type { ChatCompletion } from "../../openai/types.js";
import { fromChatCompletion } from "./from-chat-response.js";
import { createCountingIdSource } from "./ids.js";
import { toChatUsage } from "./response-shell.js";

function fixture(name: string): ChatCompletion {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
}

describe("fromChatCompletion", () => {
  it("gives reasoning, message and function_call items, usage with cached and reasoning tokens", () => {
    const tools = [{ type: "function" as const, name: "get_weather", parameters: { type: "object" } }];
    const response = fromChatCompletion(
      fixture("chat-response-tool-call.json"),
      { model: "group", input: "weather?", tools, store: false, metadata: { a: "b" } },
      createCountingIdSource(),
    );
    assertMatchesOpenAISchema("Response", response);
    expect(response).toMatchObject({
      id: "resp_1",
      object: "response",
      created_at: 1733200000,
      status: "completed",
      model: "qwen",
      incomplete_details: null,
      store: false,
      tools,
      metadata: { a: "b" },
    });
    expect(response.output).toEqual([
      {
        type: "reasoning",
        id: "rs_2",
        summary: [],
        content: [{ type: "reasoning_text", text: "The user wants the weather." }],
        status: "completed",
      },
      {
        type: "message",
        id: "msg_3",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Checking.", annotations: [], logprobs: [] }],
      },
      {
        type: "function_call",
        id: "fc_4",
        call_id: "call_x",
        name: "get_weather",
        arguments: '{"city":"Paris"}',
        status: "completed",
      },
    ]);
    expect(response.usage).toEqual({
      input_tokens: 40,
      input_tokens_details: { cached_tokens: 32, cache_write_tokens: 0 },
      output_tokens: 12,
      output_tokens_details: { reasoning_tokens: 6 },
      total_tokens: 52,
    });
  });

  it("is incomplete with reason max_output_tokens when the answer was cut by the token limit", () => {
    const response = fromChatCompletion(
      fixture("chat-response-length.json"),
      { model: "group", input: "story", max_output_tokens: 3 },
      createCountingIdSource(),
    );
    assertMatchesOpenAISchema("Response", response);
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.max_output_tokens).toBe(3);
    expect(response.output).toHaveLength(1);
  });

  it("reads usage back in chat's form for spend", () => {
    const response = fromChatCompletion(
      fixture("chat-response-tool-call.json"),
      { model: "g" },
      createCountingIdSource(),
    );
    expect(response.usage && toChatUsage(response.usage)).toEqual({
      prompt_tokens: 40,
      completion_tokens: 12,
      total_tokens: 52,
      prompt_tokens_details: { cached_tokens: 32 },
    });
  });
});
