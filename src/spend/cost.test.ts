import { describe, expect, it } from "vitest";
import { completionCost, findModelPrice } from "./cost.js";
import { priceTable } from "./price-table.js";

describe("completionCost", () => {
  it("prices gpt-4o prompt and completion tokens from the table", () => {
    const cost = completionCost({ model: "gpt-4o", usage: { prompt_tokens: 1000, completion_tokens: 500 } });
    expect(cost).toBe(0.0075);
  });

  it("bills cached prompt tokens at the cache-read price", () => {
    const cost = completionCost({
      model: "gpt-4o",
      usage: { prompt_tokens: 2000, completion_tokens: 100, prompt_tokens_details: { cached_tokens: 1000 } },
    });
    // 1000 * 2.5e-6 + 1000 * 1.25e-6 + 100 * 10e-6
    expect(cost).toBe(0.00475);
  });

  it("bills cached tokens as input when the model has no cache price", () => {
    const cost = completionCost({
      model: "gpt-4-turbo",
      usage: { prompt_tokens: 100, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } },
    });
    expect(cost).toBe(0.0013);
  });

  it("tolerates provider prefixes and dated suffixes", () => {
    const usage = { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 };
    expect(completionCost({ model: "openai/gpt-4o-2024-08-06", usage })).toBe(12.5);
    expect(completionCost({ model: "gpt-4o-mini-2024-07-18", usage })).toBe(0.75);
    expect(completionCost({ model: "anthropic/claude-sonnet-4-20250514", usage })).toBe(18);
    expect(completionCost({ model: "claude-3-5-sonnet-latest", usage })).toBe(18);
    expect(completionCost({ model: "groq/llama-3.3-70b-versatile", usage })).toBe(1.38);
    expect(completionCost({ model: "gpt-3.5-turbo-0125", usage })).toBe(2);
    expect(completionCost({ model: "mistral/mistral-large-latest", usage })).toBe(8);
  });

  it("prices embeddings from prompt tokens alone", () => {
    expect(completionCost({ model: "text-embedding-3-small", usage: { prompt_tokens: 50_000 } })).toBe(0.001);
  });

  it("lets overrides win field by field", () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 1000 };
    const both = completionCost({
      model: "gpt-4o",
      usage,
      prices: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 },
    });
    expect(both).toBe(0.003);
    const inputOnly = completionCost({ model: "gpt-4o", usage, prices: { input_cost_per_token: 0 } });
    expect(inputOnly).toBe(0.01);
  });

  it("prices an unknown model from overrides", () => {
    const cost = completionCost({
      model: "hosted_vllm/my-llama",
      usage: { prompt_tokens: 10, completion_tokens: 20 },
      prices: { input_cost_per_token: 0.5, output_cost_per_token: 1 },
    });
    expect(cost).toBe(25);
  });

  it("costs 0 for an unknown model without overrides", () => {
    expect(
      completionCost({ model: "my-local-model", usage: { prompt_tokens: 10, completion_tokens: 5 } }),
    ).toBe(0);
  });

  it("clamps cached tokens to the prompt tokens", () => {
    const cost = completionCost({
      model: "gpt-4o",
      usage: { prompt_tokens: 10, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 99 } },
    });
    expect(cost).toBe(0.0000125);
  });

  it("accepts null prompt_tokens_details", () => {
    const cost = completionCost({
      model: "o4-mini",
      usage: { prompt_tokens: 1000, completion_tokens: 1000, prompt_tokens_details: null },
    });
    expect(cost).toBe(0.0055);
  });
});

describe("findModelPrice", () => {
  it("finds rows case-insensitively", () => {
    expect(findModelPrice("GPT-4o")).toBe(priceTable["gpt-4o"]);
  });

  it("returns undefined for unknown models", () => {
    expect(findModelPrice("nope")).toBeUndefined();
  });

  it("keeps every row's prices non-negative", () => {
    for (const row of Object.values(priceTable)) {
      expect(row.input_cost_per_token).toBeGreaterThanOrEqual(0);
      expect(row.output_cost_per_token).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("prices of models hosted by Bedrock, Vertex AI and Gemini", () => {
  const usage = { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 };
  it("finds Claude inside Bedrock's and Vertex's ids", () => {
    for (const model of [
      "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0",
      "bedrock/converse/anthropic.claude-3-5-sonnet-20240620-v1:0",
      "vertex_ai/claude-3-5-sonnet-v2@20241022",
      "anthropic/claude-3-5-sonnet-20241022",
    ])
      expect(completionCost({ model, usage })).toBe(18);
  });

  it("prices Bedrock's own models and embeddings, and Gemini's", () => {
    expect(completionCost({ model: "bedrock/amazon.nova-pro-v1:0", usage })).toBe(4);
    expect(
      completionCost({ model: "bedrock/amazon.titan-embed-text-v2:0", usage: { prompt_tokens: 1_000_000 } }),
    ).toBe(0.02);
    expect(
      completionCost({ model: "bedrock/amazon.titan-embed-text-v1", usage: { prompt_tokens: 1_000_000 } }),
    ).toBe(0.1);
    expect(
      completionCost({ model: "bedrock/cohere.embed-english-v3", usage: { prompt_tokens: 1_000_000 } }),
    ).toBe(0.1);
    expect(completionCost({ model: "gemini/gemini-2.5-flash", usage })).toBe(2.8);
    expect(completionCost({ model: "vertex_ai/gemini-2.0-flash-001", usage })).toBe(0.5);
  });

  it("bills cache writes at the cache-write price and cache reads at the read price", () => {
    // Anthropic's usage: 1,000 fresh, 2,000 read from the cache, 4,000 written to it (all in prompt_tokens).
    const cost = completionCost({
      model: "anthropic/claude-sonnet-4-5",
      usage: {
        prompt_tokens: 7_000,
        completion_tokens: 0,
        prompt_tokens_details: { cached_tokens: 2_000 },
        cache_creation_input_tokens: 4_000,
      },
    });
    expect(cost).toBeCloseTo((1_000 * 3 + 2_000 * 0.3 + 4_000 * 3.75) / 1e6, 12);
    const overridden = completionCost({
      model: "anthropic/claude-sonnet-4-5",
      usage: { prompt_tokens: 4_000, cache_creation_input_tokens: 4_000 },
      prices: { cache_creation_input_token_cost: 1e-6 },
    });
    expect(overridden).toBeCloseTo(0.004, 12);
  });
});
