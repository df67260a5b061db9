import type { Usage as ChatUsage } from "../../openai/types.js";
import type { Usage } from "./wire.js";

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/**
 * Chat usage -> Anthropic usage. Anthropic's `input_tokens` leaves out the tokens read from (or
 * written to) the cache, which chat counts in `prompt_tokens`.
 */
export function toAnthropicUsage(usage: ChatUsage | null | undefined): Usage {
  const cacheRead = count(usage?.prompt_tokens_details?.cached_tokens ?? usage?.cache_read_input_tokens);
  const cacheCreation = count(usage?.cache_creation_input_tokens);
  return {
    input_tokens: Math.max(0, count(usage?.prompt_tokens) - cacheRead - cacheCreation),
    output_tokens: count(usage?.completion_tokens),
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
  };
}

/** Anthropic usage -> chat usage (what spend and token limits count): cache tokens are prompt tokens. */
export function toChatUsage(usage: Partial<Usage> | null | undefined): ChatUsage {
  const cacheRead = count(usage?.cache_read_input_tokens);
  const prompt = count(usage?.input_tokens) + cacheRead + count(usage?.cache_creation_input_tokens);
  const completion = count(usage?.output_tokens);
  const chat: ChatUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (cacheRead > 0) chat.prompt_tokens_details = { cached_tokens: cacheRead };
  // Cache writes are priced apart (spend/cost reads this field, as LiteLLM's usage carries it).
  const cacheCreation = count(usage?.cache_creation_input_tokens);
  if (cacheCreation > 0) chat.cache_creation_input_tokens = cacheCreation;
  return chat;
}
