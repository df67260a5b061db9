import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { ChatCompletionRequest } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { toAnthropicConversation } from "./chat-messages.js";
import { toAnthropicTools } from "./chat-tools.js";
import {
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  type AnthropicMessagesRequest,
  type AnthropicThinkingConfig,
  INCLUDE_STREAM_USAGE,
  isRecord,
} from "./wire.js";

/**
 * The OpenAI parameters this function maps (or, for `metadata`, leaves out on purpose: OpenAI's
 * stored-completion tags and LiteLLM's logging metadata are not Anthropic's `metadata`, whose one
 * field comes from `user`). Parameters outside OpenAI's set (`top_k`, `thinking`, `mcp_servers`,
 * `container`, `service_tier`...) are Anthropic's own and pass through untouched.
 */
const MAPPED: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "user",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "reasoning_effort",
  "thinking",
  "web_search_options",
  "metadata",
  "n",
  "logprobs",
]);

/** OpenAI parameters Anthropic has no equivalent for: refused, or dropped with `drop_params`. */
const UNSUPPORTED_LIST = [
  "frequency_penalty",
  "presence_penalty",
  "logit_bias",
  "top_logprobs",
  "seed",
  "modalities",
  "audio",
  "prediction",
  "store",
  "functions",
  "function_call",
  "verbosity",
  "safety_identifier",
  "prompt_cache_key",
  "prompt_cache_retention",
] as const;
const UNSUPPORTED: ReadonlySet<string> = new Set(UNSUPPORTED_LIST);

/** `reasoning_effort` -> `thinking.budget_tokens`, LiteLLM's defaults (its constants.py). */
const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
};

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** The OpenAI parameters of this request that Anthropic cannot take (`n` above 1, `logprobs: true`). */
function unsupportedParamsOf(request: ChatCompletionRequest): string[] {
  const names: string[] = UNSUPPORTED_LIST.filter((name) => isSet(request[name]));
  if (isSet(request.n) && request.n !== 1) names.push("n");
  if (isSet(request.logprobs) && request.logprobs !== false) names.push("logprobs");
  return names;
}

function refuseUnsupported(request: ChatCompletionRequest, settings: TransformSettings): void {
  const names = unsupportedParamsOf(request);
  if (names.length > 0 && !settings.dropParams) {
    const [first] = names;
    throw new UnsupportedParamsError({
      message:
        `anthropic does not support the parameter${names.length > 1 ? "s" : ""} ${names.join(", ")} ` +
        `(model ${request.model}); set drop_params: true to leave ${names.length > 1 ? "them" : "it"} out`,
      param: first,
      provider: "anthropic",
      model: request.model,
    });
  }
}

function thinkingOf(request: ChatCompletionRequest): AnthropicThinkingConfig | undefined {
  if (isRecord(request.thinking)) return request.thinking as AnthropicThinkingConfig;
  const effort = request.reasoning_effort;
  if (!isSet(effort) || effort === "none") return undefined;
  const budget = typeof effort === "string" ? THINKING_BUDGETS[effort] : undefined;
  if (budget === undefined) {
    throw new BadRequestError({
      message: `reasoning_effort "${String(effort)}" is not one of none, minimal, low, medium, high`,
      param: "reasoning_effort",
      provider: "anthropic",
      model: request.model,
    });
  }
  return { type: "enabled", budget_tokens: budget };
}

/**
 * `max_completion_tokens`, else `max_tokens`, else 4096 (Anthropic requires one). Without an explicit
 * limit, a thinking budget at or above the default gets the default on top of it, since Anthropic
 * wants `max_tokens` above `budget_tokens`.
 */
function maxTokensOf(request: ChatCompletionRequest, thinking: AnthropicThinkingConfig | undefined): number {
  const explicit = request.max_completion_tokens ?? request.max_tokens;
  if (typeof explicit === "number") return explicit;
  const budget = typeof thinking?.budget_tokens === "number" ? thinking.budget_tokens : 0;
  return budget >= ANTHROPIC_DEFAULT_MAX_TOKENS
    ? budget + ANTHROPIC_DEFAULT_MAX_TOKENS
    : ANTHROPIC_DEFAULT_MAX_TOKENS;
}

/** `stop` -> `stop_sequences`; whitespace-only ones (which Anthropic refuses) go with drop_params. */
function stopSequencesOf(stop: unknown, settings: TransformSettings): string[] | undefined {
  const list = typeof stop === "string" ? [stop] : Array.isArray(stop) ? stop : [];
  const sequences = list.filter(
    (sequence): sequence is string =>
      typeof sequence === "string" && !(settings.dropParams && sequence.trim() === ""),
  );
  return sequences.length > 0 ? sequences : undefined;
}

/**
 * An OpenAI chat request -> the body of Anthropic's `POST /v1/messages` (without transport bits:
 * Vertex AI removes `model` and adds its `anthropic_version`). Parameters Anthropic cannot take are
 * an UnsupportedParamsError naming them, or are left out with `drop_params`.
 */
export function toAnthropicRequest(
  request: ChatCompletionRequest,
  settings: TransformSettings,
): AnthropicMessagesRequest {
  refuseUnsupported(request, settings);
  const { system, messages } = toAnthropicConversation(request.messages, settings);
  const thinking = thinkingOf(request);
  const body: AnthropicMessagesRequest = {
    model: request.model,
    messages,
    max_tokens: maxTokensOf(request, thinking),
  };
  if (system.length > 0) body.system = system;
  if (typeof request.temperature === "number") body.temperature = request.temperature;
  if (typeof request.top_p === "number") body.top_p = request.top_p;
  const stopSequences = stopSequencesOf(request.stop, settings);
  if (stopSequences !== undefined) body.stop_sequences = stopSequences;
  if (typeof request.user === "string" && request.user !== "") body.metadata = { user_id: request.user };
  if (thinking !== undefined) body.thinking = thinking;
  const { tools, tool_choice } = toAnthropicTools(request, thinking?.type === "enabled");
  if (tools !== undefined) body.tools = tools;
  if (tool_choice !== undefined) body.tool_choice = tool_choice;
  // Anthropic's own parameters; a null one is left out, as an absent one (Anthropic refuses nulls).
  for (const [name, value] of Object.entries(request)) {
    if (!MAPPED.has(name) && !UNSUPPORTED.has(name) && isSet(value)) body[name] = value;
  }
  if (request.stream === true) {
    body.stream = true;
    body[INCLUDE_STREAM_USAGE] = request.stream_options?.include_usage === true;
  }
  return body;
}
