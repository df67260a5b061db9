import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { ContentPolicyViolationError, InternalServerError } from "../../errors/index.js";
import { fromGeminiResponse } from "./chat-response.js";
import { readFixture, geminiTestTarget as target } from "./test-fixtures.js";
import { readThoughtSignature } from "./tool-call-ids.js";

const call = { target, sent: {} };

function parse(name: string) {
  const completion = fromGeminiResponse(readFixture(name), call);
  assertMatchesOpenAISchema("CreateChatCompletionResponse", completion);
  return completion;
}

describe("fromGeminiResponse", () => {
  it("maps a text answer, its finish reason and usage with cached tokens", () => {
    const completion = parse("gemini-text.json");
    expect(completion).toMatchObject({
      id: "chatcmpl-mT4xaPm2D5qkz7IPu7nO0Qs",
      object: "chat.completion",
      model: "gemini-2.5-flash",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "The capital of France is Paris.", refusal: null },
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 7,
        total_tokens: 19,
        prompt_tokens_details: { cached_tokens: 4 },
      },
    });
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it("maps function calls to tool_calls with made-up ids that carry the thought signature", () => {
    const completion = parse("gemini-tool-call.json");
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    const calls = choice?.message.tool_calls ?? [];
    expect(calls.map((toolCall) => toolCall.function)).toEqual([
      { name: "get_weather", arguments: JSON.stringify({ city: "Paris", unit: "celsius" }) },
      { name: "get_time", arguments: JSON.stringify({ zone: "Europe/Paris" }) },
    ]);
    expect(calls[0]?.id).toMatch(/^call_[0-9a-f]{24}__thought__CiQBVKhc7uT2sig$/);
    expect(readThoughtSignature(calls[0]?.id)).toBe("CiQBVKhc7uT2sig");
    expect(calls[1]?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(calls[0]?.id).not.toBe(calls[1]?.id);
  });

  it("maps thought parts to reasoning_content and counts thinking tokens as completion tokens", () => {
    const completion = parse("gemini-thinking.json");
    expect(completion.choices[0]?.message).toMatchObject({
      content: "There are 3 r's in strawberry.",
      reasoning_content: "**Counting letters**\nThe word has three r's.",
    });
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 129,
      total_tokens: 139,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 120 },
    });
  });

  it("maps a SAFETY stop to content_filter", () => {
    const completion = parse("gemini-safety-stop.json");
    expect(completion.choices[0]?.finish_reason).toBe("content_filter");
    expect(completion.choices[0]?.message.content).toBe("");
  });

  it("maps RECITATION, BLOCKLIST, PROHIBITED_CONTENT and SPII to content_filter", () => {
    for (const reason of ["RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"]) {
      const completion = fromGeminiResponse(
        { candidates: [{ finishReason: reason, content: { parts: [] } }] },
        call,
      );
      expect(completion.choices[0]?.finish_reason).toBe("content_filter");
    }
  });

  it("throws a ContentPolicyViolationError for a blocked prompt", () => {
    expect(() => fromGeminiResponse(readFixture("gemini-blocked.json"), call)).toThrow(
      ContentPolicyViolationError,
    );
    expect(() => fromGeminiResponse(readFixture("gemini-blocked.json"), call)).toThrow(/PROHIBITED_CONTENT/);
  });

  it("maps several candidates to several choices", () => {
    const completion = fromGeminiResponse(
      {
        candidates: [
          { index: 0, content: { parts: [{ text: "A" }] }, finishReason: "STOP" },
          { index: 1, content: { parts: [{ text: "B" }] }, finishReason: "MAX_TOKENS" },
        ],
      },
      call,
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", completion);
    expect(
      completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason]),
    ).toEqual([
      [0, "A", "stop"],
      [1, "B", "length"],
    ]);
  });

  it("maps logprobsResult to logprobs.content", () => {
    const completion = fromGeminiResponse(
      {
        candidates: [
          {
            content: { parts: [{ text: "Hi" }] },
            finishReason: "STOP",
            logprobsResult: {
              chosenCandidates: [{ token: "Hi", logProbability: -0.1 }],
              topCandidates: [
                {
                  candidates: [
                    { token: "Hi", logProbability: -0.1 },
                    { token: "Hey", logProbability: -2.5 },
                  ],
                },
              ],
            },
          },
        ],
      },
      call,
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", completion);
    expect(completion.choices[0]?.logprobs).toEqual({
      content: [
        {
          token: "Hi",
          logprob: -0.1,
          bytes: null,
          top_logprobs: [
            { token: "Hi", logprob: -0.1, bytes: null },
            { token: "Hey", logprob: -2.5, bytes: null },
          ],
        },
      ],
      refusal: null,
    });
  });

  it("refuses a body that is no GenerateContentResponse", () => {
    expect(() => fromGeminiResponse({ hello: 1 }, call)).toThrow(InternalServerError);
    expect(() => fromGeminiResponse("text", call)).toThrow(InternalServerError);
  });
});
