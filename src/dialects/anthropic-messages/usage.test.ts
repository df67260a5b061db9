import { describe, expect, it } from "vitest";
import { toAnthropicUsage, toChatUsage } from "./usage.js";

describe("usage", () => {
  it("counts Anthropic's cache reads and writes as prompt tokens for spend, writes apart", () => {
    expect(
      toChatUsage({
        input_tokens: 5,
        output_tokens: 7,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 20,
      }),
    ).toEqual({
      prompt_tokens: 125,
      completion_tokens: 7,
      total_tokens: 132,
      prompt_tokens_details: { cached_tokens: 100 },
      cache_creation_input_tokens: 20,
    });
  });

  it("takes cached tokens out of chat's prompt tokens for Anthropic's input_tokens", () => {
    expect(
      toAnthropicUsage({
        prompt_tokens: 125,
        completion_tokens: 7,
        total_tokens: 132,
        prompt_tokens_details: { cached_tokens: 100 },
      }),
    ).toEqual({
      input_tokens: 25,
      output_tokens: 7,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 0,
    });
    expect(toAnthropicUsage(undefined)).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
  });
});
