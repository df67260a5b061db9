import { type ModelPrice, priceTable } from "./price-table.js";

/** Per-deployment price overrides, as written in `litellm_params` or `model_info`. */
export interface PriceOverrides {
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  cache_read_input_token_cost?: number;
  cache_creation_input_token_cost?: number;
}

/** The usage fields cost depends on, in OpenAI's wire shape. */
export interface CostUsage {
  prompt_tokens: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  /** Prompt tokens written to the provider's cache (Anthropic, Bedrock), part of prompt_tokens. */
  cache_creation_input_tokens?: unknown;
}

export interface CompletionCostInput {
  model: string;
  usage: CostUsage;
  prices?: PriceOverrides;
}

const datedSuffixes = [/-\d{4}-\d{2}-\d{2}$/, /-\d{8}$/, /-\d{4}$/, /-\d{3}$/];

/**
 * Bedrock's ids carry a cross-region prefix, the vendor and a version (`us.anthropic.claude-3-5-sonnet-20241022-v2:0`,
 * `amazon.titan-embed-text-v2:0`); Vertex's Claude ids a version after `@`: the model's own name is inside.
 */
function withoutHostingDecorations(name: string): string {
  return name
    .replace(/@.*$/, "")
    .replace(/^(us|eu|apac|us-gov|global|jp|au)\./, "")
    .replace(/^(anthropic|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer)\./, "")
    .replace(/-v\d+(:\d+)?$/, "")
    .replace(/:\d+$/, "");
}

/** Names to try for a model, most specific first: as given, bare (no provider prefix), undated. */
function candidateNames(model: string): string[] {
  const lowered = model.trim().toLowerCase();
  const bare = withoutHostingDecorations(lowered.slice(lowered.lastIndexOf("/") + 1));
  const names = [lowered, lowered.slice(lowered.lastIndexOf("/") + 1), bare];
  for (const suffix of datedSuffixes) {
    if (suffix.test(bare)) names.push(bare.replace(suffix, ""));
  }
  if (bare.endsWith("-latest")) names.push(bare.slice(0, -"-latest".length));
  return names;
}

/** The built-in price row of a model, tolerant of `provider/` prefixes and dated suffixes. */
export function findModelPrice(model: string): ModelPrice | undefined {
  for (const name of candidateNames(model)) {
    const row = priceTable[name];
    if (row !== undefined) return row;
  }
  return undefined;
}

/** Rounds away binary floating-point noise (1e-12 dollars is far below any price). */
function roundDollars(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}

/**
 * The cost in dollars of one call. Overrides win field by field over the built-in table; an unknown
 * model without overrides costs 0. Cached prompt tokens are billed at the cache-read price when one
 * is known, else as ordinary input.
 */
export function completionCost(input: CompletionCostInput): number {
  const tableRow = findModelPrice(input.model);
  const overrides = input.prices ?? {};
  const inputPrice = overrides.input_cost_per_token ?? tableRow?.input_cost_per_token ?? 0;
  const outputPrice = overrides.output_cost_per_token ?? tableRow?.output_cost_per_token ?? 0;
  const cachedPrice =
    overrides.cache_read_input_token_cost ?? tableRow?.cache_read_input_token_cost ?? inputPrice;
  const cacheWritePrice =
    overrides.cache_creation_input_token_cost ?? tableRow?.cache_creation_input_token_cost ?? inputPrice;

  const promptTokens = input.usage.prompt_tokens;
  const completionTokens = input.usage.completion_tokens ?? 0;
  const reportedCached = input.usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cachedTokens = Math.min(Math.max(reportedCached, 0), promptTokens);
  const reportedWritten = input.usage.cache_creation_input_tokens;
  const writtenTokens = Math.min(
    typeof reportedWritten === "number" && reportedWritten > 0 ? reportedWritten : 0,
    promptTokens - cachedTokens,
  );
  const uncachedTokens = promptTokens - cachedTokens - writtenTokens;

  return roundDollars(
    uncachedTokens * inputPrice +
      cachedTokens * cachedPrice +
      writtenTokens * cacheWritePrice +
      completionTokens * outputPrice,
  );
}
