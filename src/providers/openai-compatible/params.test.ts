import { describe, expect, it } from "vitest";
import { dropUnsupportedParams } from "./params.js";

function dropped(
  providerId: string,
  isTextCompletionOnly: boolean,
  operation: "chat" | "completions" | "embeddings",
  body: Record<string, unknown>,
): Record<string, unknown> {
  const copy = structuredClone(body);
  dropUnsupportedParams(providerId, isTextCompletionOnly, operation, copy);
  return copy;
}

const sampling = { temperature: 0.2, top_p: 0.9, logprobs: true, top_logprobs: 2, logit_bias: { "1": 1 } };

describe("dropUnsupportedParams", () => {
  it("keeps every OpenAI parameter and the server's own for a model of an OpenAI-compatible server", () => {
    const body = { model: "mistral", messages: [], ...sampling, seed: 1, user: "u", tools: [], top_k: 5 };
    expect(dropped("openai", false, "chat", body)).toEqual(body);
    expect(dropped("hosted_vllm", false, "chat", body)).toEqual(body);
  });

  it.each(["o1", "o3-mini", "o4-mini-2025-04-16", "gpt-5", "gpt-5-mini", "gpt-5.1"])(
    "drops the sampling knobs of the reasoning model %s and moves max_tokens",
    (model) => {
      const body = { model, messages: [], ...sampling, presence_penalty: 0, max_tokens: 9, seed: 1 };
      expect(dropped("openai", false, "chat", body)).toEqual({
        model,
        messages: [],
        max_completion_tokens: 9,
        seed: 1,
      });
    },
  );

  it("keeps temperature 1 for a reasoning model, and leaves gpt-5-chat and gpt-4o alone", () => {
    expect(dropped("openai", false, "chat", { model: "o3", temperature: 1 })).toEqual({
      model: "o3",
      temperature: 1,
    });
    for (const model of ["gpt-5-chat-latest", "gpt-4o", "omni", "o"]) {
      expect(dropped("openai", false, "chat", { model, temperature: 0.3 })).toEqual({
        model,
        temperature: 0.3,
      });
    }
  });

  it("drops chat-only parameters on the way to /completions", () => {
    const body = {
      model: "m",
      prompt: "p",
      tools: [],
      tool_choice: "auto",
      response_format: {},
      temperature: 0,
    };
    expect(dropped("text-completion-openai", true, "chat", body)).toEqual({
      model: "m",
      prompt: "p",
      temperature: 0,
    });
    expect(dropped("openai", false, "completions", body)).toEqual({
      model: "m",
      prompt: "p",
      temperature: 0,
    });
  });

  it("drops what a vendor documents as refused", () => {
    expect(
      dropped("groq", false, "chat", { model: "llama", logprobs: true, logit_bias: {}, seed: 1 }),
    ).toEqual({
      model: "llama",
      seed: 1,
    });
  });

  it("leaves embeddings alone", () => {
    expect(dropped("groq", false, "embeddings", { model: "e", input: "x", logprobs: 1 })).toEqual({
      model: "e",
      input: "x",
      logprobs: 1,
    });
  });
});
