/**
 * Built-in prices, in US dollars per token, for common models.
 *
 * Data only: the figures are taken from the providers' public price pages (openai.com/api/pricing,
 * anthropic.com/pricing, ai.google.dev/pricing, aws.amazon.com/bedrock/pricing, mistral.ai/pricing,
 * groq.com/pricing), list prices for standard (non-batch)
 * requests. Field names follow LiteLLM's, so a deployment's `litellm_params`/`model_info` override has
 * the same shape as a row. Keys are bare model names, lower case, without provider prefix or date
 * suffix; `findModelPrice()` in cost.ts does that normalisation.
 */

export interface ModelPrice {
  input_cost_per_token: number;
  output_cost_per_token: number;
  /** Price of a prompt token served from the provider's cache; absent = billed as input. */
  cache_read_input_token_cost?: number;
  /** Price of a prompt token written to the provider's cache; absent = billed as input. */
  cache_creation_input_token_cost?: number;
}

/** Builds a row from prices per million tokens, the unit the price pages use. */
function perMillion(input: number, output: number, cachedInput?: number, cacheWrite?: number): ModelPrice {
  const row: ModelPrice = { input_cost_per_token: input / 1e6, output_cost_per_token: output / 1e6 };
  if (cachedInput !== undefined) row.cache_read_input_token_cost = cachedInput / 1e6;
  if (cacheWrite !== undefined) row.cache_creation_input_token_cost = cacheWrite / 1e6;
  return row;
}

export const priceTable: Readonly<Record<string, ModelPrice>> = {
  // OpenAI chat models
  "gpt-4o": perMillion(2.5, 10, 1.25),
  "chatgpt-4o-latest": perMillion(5, 15),
  "gpt-4o-mini": perMillion(0.15, 0.6, 0.075),
  "gpt-4.1": perMillion(2, 8, 0.5),
  "gpt-4.1-mini": perMillion(0.4, 1.6, 0.1),
  "gpt-4.1-nano": perMillion(0.1, 0.4, 0.025),
  "gpt-4.5-preview": perMillion(75, 150, 37.5),
  "gpt-4-turbo": perMillion(10, 30),
  "gpt-4-turbo-preview": perMillion(10, 30),
  "gpt-4": perMillion(30, 60),
  "gpt-4-32k": perMillion(60, 120),
  "gpt-3.5-turbo": perMillion(0.5, 1.5),
  "gpt-3.5-turbo-instruct": perMillion(1.5, 2),
  o1: perMillion(15, 60, 7.5),
  "o1-mini": perMillion(1.1, 4.4, 0.55),
  "o1-pro": perMillion(150, 600),
  o3: perMillion(2, 8, 0.5),
  "o3-mini": perMillion(1.1, 4.4, 0.55),
  "o3-pro": perMillion(20, 80),
  "o4-mini": perMillion(1.1, 4.4, 0.275),
  "gpt-5": perMillion(1.25, 10, 0.125),
  "gpt-5-chat-latest": perMillion(1.25, 10, 0.125),
  "gpt-5-mini": perMillion(0.25, 2, 0.025),
  "gpt-5-nano": perMillion(0.05, 0.4, 0.005),

  // OpenAI embeddings (input only)
  "text-embedding-3-small": perMillion(0.02, 0),
  "text-embedding-3-large": perMillion(0.13, 0),
  "text-embedding-ada-002": perMillion(0.1, 0),

  // Anthropic, also on Bedrock and Vertex AI (cache reads at a tenth of the input price, 5-minute
  // cache writes at 1.25 times it)
  "claude-3-haiku": perMillion(0.25, 1.25, 0.03, 0.3),
  "claude-3-5-haiku": perMillion(0.8, 4, 0.08, 1),
  "claude-haiku-4-5": perMillion(1, 5, 0.1, 1.25),
  "claude-3-5-sonnet": perMillion(3, 15, 0.3, 3.75),
  "claude-3-7-sonnet": perMillion(3, 15, 0.3, 3.75),
  "claude-sonnet-4": perMillion(3, 15, 0.3, 3.75),
  "claude-sonnet-4-5": perMillion(3, 15, 0.3, 3.75),
  "claude-3-opus": perMillion(15, 75, 1.5, 18.75),
  "claude-opus-4": perMillion(15, 75, 1.5, 18.75),
  "claude-opus-4-1": perMillion(15, 75, 1.5, 18.75),

  // Google Gemini, AI Studio and Vertex AI (standard tier, prompts up to 200k tokens; ai.google.dev/pricing)
  "gemini-2.5-pro": perMillion(1.25, 10, 0.125),
  "gemini-2.5-flash": perMillion(0.3, 2.5, 0.03),
  "gemini-2.5-flash-lite": perMillion(0.1, 0.4, 0.01),
  "gemini-2.0-flash": perMillion(0.1, 0.4, 0.025),
  "gemini-2.0-flash-lite": perMillion(0.075, 0.3),
  "gemini-1.5-pro": perMillion(1.25, 5),
  "gemini-1.5-flash": perMillion(0.075, 0.3),
  "gemini-embedding-001": perMillion(0.15, 0),
  "text-embedding-004": perMillion(0, 0),

  // Amazon Bedrock's own models (on-demand, us-east-1; aws.amazon.com/bedrock/pricing)
  "amazon.nova-pro": perMillion(0.8, 3.2, 0.2),
  "amazon.nova-lite": perMillion(0.06, 0.24, 0.015),
  "amazon.nova-micro": perMillion(0.035, 0.14, 0.00875),
  "amazon.titan-embed-text": perMillion(0.02, 0),
  "amazon.titan-embed-text-v1": perMillion(0.1, 0),
  "cohere.embed-english-v3": perMillion(0.1, 0),
  "cohere.embed-multilingual-v3": perMillion(0.1, 0),

  // Mistral
  "mistral-large-latest": perMillion(2, 6),
  "mistral-medium-latest": perMillion(0.4, 2),
  "mistral-small-latest": perMillion(0.1, 0.3),
  "codestral-latest": perMillion(0.3, 0.9),
  "open-mistral-nemo": perMillion(0.15, 0.15),
  "mistral-embed": perMillion(0.1, 0),

  // Groq
  "llama-3.1-8b-instant": perMillion(0.05, 0.08),
  "llama-3.3-70b-versatile": perMillion(0.59, 0.79),
  "gemma2-9b-it": perMillion(0.2, 0.2),
};
