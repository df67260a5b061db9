import { describe, expect, it } from "vitest";
import type { UpstreamTarget } from "../types.js";
import { repairChatCompletion, repairEmbeddings, repairTextCompletion } from "./repair.js";

const target: UpstreamTarget = {
  providerId: "hosted_vllm",
  model: "llama",
  apiBase: "http://h/v1",
  apiKey: undefined,
  organization: undefined,
};

function openAIChat(): Record<string, unknown> {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "m",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "hi", refusal: null },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

describe("repairChatCompletion", () => {
  it("leaves an answer in OpenAI's shape alone and says so", () => {
    const body = openAIChat();
    expect(repairChatCompletion(body, { target, sent: {} })).toBe(false);
    expect(body).toEqual(openAIChat());
  });

  it("fills what vLLM and llama.cpp leave out, drops null token details, maps finish reasons", () => {
    const body: Record<string, unknown> = {
      choices: [
        { message: { content: "a" }, finish_reason: "eos_token" },
        { index: 1, message: { role: "assistant", content: "b" }, finish_reason: "max_tokens" },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, prompt_tokens_details: null },
    };
    expect(repairChatCompletion(body, { target, sent: {} })).toBe(true);
    expect(body).toEqual({
      id: expect.stringMatching(/^chatcmpl-[0-9a-f]{24}$/),
      object: "chat.completion",
      created: expect.any(Number),
      model: "llama",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "a", refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
        {
          index: 1,
          message: { role: "assistant", content: "b", refusal: null },
          finish_reason: "length",
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
  });
});

describe("repairTextCompletion", () => {
  it("fills the head and each choice's index and logprobs", () => {
    const body: Record<string, unknown> = { choices: [{ text: "x", finish_reason: "stop_sequence" }] };
    expect(repairTextCompletion(body, { target, sent: {} })).toBe(true);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^cmpl-/),
      object: "text_completion",
      model: "llama",
      choices: [{ index: 0, text: "x", finish_reason: "stop", logprobs: null }],
    });
    expect(repairTextCompletion(body, { target, sent: {} })).toBe(false);
  });
});

describe("repairEmbeddings", () => {
  it("encodes float lists as base64 float32 when base64 was asked, and only then", () => {
    const body = () => ({ object: "list", data: [{ object: "embedding", index: 0, embedding: [0.5, -2] }] });
    const asked = body();
    expect(repairEmbeddings(asked, { target, sent: { encoding_format: "base64" } })).toBe(true);
    const encoded = (asked.data[0] as { embedding: unknown }).embedding as string;
    const bytes = Buffer.from(encoded, "base64");
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 2))).toEqual([0.5, -2]);
    expect(repairEmbeddings(asked, { target, sent: { encoding_format: "base64" } })).toBe(false);
    const floats = body();
    expect(repairEmbeddings(floats, { target, sent: {} })).toBe(false);
    expect(floats).toEqual(body());
  });
});
