import type { Operation } from "../types.js";

/**
 * What `drop_params: true` removes, as LiteLLM does: OpenAI parameters the target cannot take. An
 * OpenAI-compatible server takes OpenAI's parameters, so for most calls nothing goes; parameters
 * that are not OpenAI's (vLLM's `top_k`, say) are the server's own and always pass.
 */

/** OpenAI's reasoning models (o1, o3, o4-mini, gpt-5 but not gpt-5-chat) refuse the sampling knobs. */
const REASONING_MODEL = /^(?:o\d(?:-|$)|gpt-5(?!-chat)(?:[-.]|$))/;
const REASONING_UNSUPPORTED = [
  "top_p",
  "presence_penalty",
  "frequency_penalty",
  "logprobs",
  "top_logprobs",
  "logit_bias",
] as const;

/** Chat parameters the `/completions` endpoint has no place for (text-completion-openai chats). */
const CHAT_ONLY = [
  "tools",
  "tool_choice",
  "functions",
  "function_call",
  "parallel_tool_calls",
  "response_format",
  "top_logprobs",
  "modalities",
  "audio",
  "prediction",
  "store",
  "metadata",
  "reasoning_effort",
  "web_search_options",
] as const;

/** Parameters a vendor's OpenAI-compatible API documents as refused. */
const VENDOR_UNSUPPORTED: Readonly<Record<string, readonly string[]>> = {
  groq: ["logprobs", "logit_bias", "top_logprobs"],
};

function isReasoningModel(model: string): boolean {
  return REASONING_MODEL.test(model.slice(model.lastIndexOf("/") + 1));
}

/**
 * With `drop_params: true`: removes from `body` the parameters this provider and model cannot take,
 * in place. A reasoning model's `max_tokens` becomes `max_completion_tokens` rather than being lost,
 * and its `temperature` goes only when it is not 1 (the one value such models take).
 */
export function dropUnsupportedParams(
  providerId: string,
  isTextCompletionOnly: boolean,
  operation: Operation,
  body: Record<string, unknown>,
): void {
  if (operation === "embeddings") return;
  const isCompletionsEndpoint = operation === "completions" || isTextCompletionOnly;
  if (isCompletionsEndpoint) for (const name of CHAT_ONLY) delete body[name];
  for (const name of VENDOR_UNSUPPORTED[providerId] ?? []) delete body[name];
  if (isCompletionsEndpoint || typeof body.model !== "string" || !isReasoningModel(body.model)) return;
  for (const name of REASONING_UNSUPPORTED) delete body[name];
  if (body.temperature !== undefined && body.temperature !== 1) delete body.temperature;
  if (body.max_tokens !== undefined) {
    body.max_completion_tokens ??= body.max_tokens;
    delete body.max_tokens;
  }
}
