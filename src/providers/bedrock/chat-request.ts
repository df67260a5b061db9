import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { ChatCompletionRequest } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { BEDROCK_PROVIDER_ID } from "./api.js";
import { hasToolBlocks, toConverseConversation } from "./chat-messages.js";
import { toConverseTools } from "./chat-tools.js";
import { isClaudeModel, isNovaModel, isOpenAIModel, toBedrockModelId } from "./model-family.js";
import type { ConverseInferenceConfig, ConverseRequest } from "./wire.js";
import { isRecord } from "./wire.js";

/**
 * What the answer is read against, kept on the body sent under a symbol: JSON.stringify leaves it
 * out, the SDK's `{...body, ...extra_body}` keeps it, and the response and stream read it back.
 */
export const BEDROCK_CALL: unique symbol = Symbol.for("llmgate.bedrock.call");

export interface BedrockCallState {
  includeUsage: boolean;
  jsonToolName: string | undefined;
}

/** Fields we read ourselves (or that only steer the call). */
const HANDLED = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "reasoning_effort",
  "thinking",
  "top_k",
  "n",
  "logprobs",
]);

/** Converse's own top-level fields, passed as given. */
const CONVERSE_FIELDS = new Set([
  "guardrailConfig",
  "performanceConfig",
  "requestMetadata",
  "promptVariables",
  "additionalModelResponseFieldPaths",
  "additionalModelRequestFields",
]);

/** OpenAI parameters Converse has nothing for: refused, or dropped with drop_params. */
const UNSUPPORTED = new Set([
  "frequency_penalty",
  "presence_penalty",
  "logit_bias",
  "top_logprobs",
  "seed",
  "user",
  "modalities",
  "audio",
  "prediction",
  "web_search_options",
  "service_tier",
  "store",
  "metadata",
  "functions",
  "function_call",
  "safety_identifier",
  "prompt_cache_key",
  "verbosity",
]);

/** reasoning_effort -> Claude's thinking budget (LiteLLM's figures). */
const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
};
/** With thinking and no max_tokens, room for the answer beyond the budget. */
const ANSWER_TOKENS_BEYOND_THINKING = 4096;

function unsupported(param: string, value: unknown): UnsupportedParamsError {
  return new UnsupportedParamsError({
    message: `bedrock does not support ${param}=${JSON.stringify(value)} (drop_params: true drops it)`,
    param,
    provider: BEDROCK_PROVIDER_ID,
  });
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** A parameter the call cannot take: an error, or nothing with drop_params. */
function refuseUnlessDropped(param: string, value: unknown, settings: TransformSettings): void {
  if (!settings.dropParams) throw unsupported(param, value);
}

function checkNumber(param: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new BadRequestError({ message: `${param} must be a number`, param });
  return value;
}

function toStopSequences(stop: unknown): string[] | undefined {
  const list = typeof stop === "string" ? [stop] : Array.isArray(stop) ? stop : undefined;
  if (list === undefined || !list.every((item) => typeof item === "string"))
    throw new BadRequestError({ message: "stop must be a string or a list of strings", param: "stop" });
  const sequences = list.filter((item) => item !== "");
  return sequences.length > 0 ? sequences : undefined;
}

/** `thinking` (Anthropic's shape) or `reasoning_effort` -> the model's own reasoning field. */
function reasoningFields(
  request: ChatCompletionRequest,
  modelId: string,
  settings: TransformSettings,
): Record<string, unknown> {
  if (!isAbsent(request.thinking)) return { thinking: request.thinking };
  const effort = request.reasoning_effort;
  if (isAbsent(effort) || effort === "none") return {};
  if (isOpenAIModel(modelId)) return { reasoning_effort: effort };
  const budget = typeof effort === "string" ? THINKING_BUDGETS[effort] : undefined;
  if (isClaudeModel(modelId) && budget !== undefined)
    return { thinking: { type: "enabled", budget_tokens: budget } };
  refuseUnlessDropped("reasoning_effort", effort, settings);
  return {};
}

function inferenceConfigOf(
  request: ChatCompletionRequest,
  thinkingBudget: number | undefined,
): ConverseInferenceConfig {
  const config: ConverseInferenceConfig = {};
  const maxTokens = isAbsent(request.max_completion_tokens)
    ? request.max_tokens
    : request.max_completion_tokens;
  if (!isAbsent(maxTokens)) config.maxTokens = checkNumber("max_tokens", maxTokens);
  else if (thinkingBudget !== undefined) config.maxTokens = thinkingBudget + ANSWER_TOKENS_BEYOND_THINKING;
  if (!isAbsent(request.temperature)) config.temperature = checkNumber("temperature", request.temperature);
  if (!isAbsent(request.top_p)) config.topP = checkNumber("top_p", request.top_p);
  if (!isAbsent(request.stop)) {
    const sequences = toStopSequences(request.stop);
    if (sequences !== undefined) config.stopSequences = sequences;
  }
  return config;
}

/** Parameters whose only supported value is OpenAI's default. */
function checkDefaults(request: ChatCompletionRequest, settings: TransformSettings): void {
  if (!isAbsent(request.n) && request.n !== 1) refuseUnlessDropped("n", request.n, settings);
  if (request.parallel_tool_calls === false) refuseUnlessDropped("parallel_tool_calls", false, settings);
  if (request.logprobs === true) refuseUnlessDropped("logprobs", true, settings);
}

function thinkingBudgetOf(fields: Record<string, unknown>): number | undefined {
  const thinking = fields.thinking;
  if (!isRecord(thinking) || thinking.type !== "enabled") return undefined;
  return typeof thinking.budget_tokens === "number" ? thinking.budget_tokens : undefined;
}

/**
 * An OpenAI chat request -> a Converse body. Parameters Converse names go to `inferenceConfig`;
 * `top_k`, `thinking` and the model's other extras (any field that is not OpenAI's) to
 * `additionalModelRequestFields`; Converse's own fields (guardrailConfig, ...) stay top-level.
 */
export function toConverseRequest(
  request: ChatCompletionRequest,
  settings: TransformSettings,
): ConverseRequest {
  const modelId = toBedrockModelId(request.model);
  checkDefaults(request, settings);
  const additional: Record<string, unknown> = reasoningFields(request, modelId, settings);
  if (!isAbsent(request.top_k)) {
    if (isNovaModel(modelId)) additional.inferenceConfig = { topK: request.top_k };
    else additional.top_k = request.top_k;
  }
  const body: ConverseRequest = { messages: [] };
  for (const [key, value] of Object.entries(request)) {
    if (HANDLED.has(key) || isAbsent(value)) continue;
    if (CONVERSE_FIELDS.has(key)) body[key] = value;
    else if (UNSUPPORTED.has(key)) refuseUnlessDropped(key, value, settings);
    else additional[key] = value;
  }
  const thinkingBudget = thinkingBudgetOf(additional);
  const conversation = toConverseConversation(request.messages, settings.supportsSystemMessage);
  body.messages = conversation.messages;
  if (conversation.system.length > 0) body.system = conversation.system;
  const inferenceConfig = inferenceConfigOf(request, thinkingBudget);
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig;
  const tools = toConverseTools(request, {
    dropParams: settings.dropParams,
    isThinkingEnabled: thinkingBudget !== undefined,
    hasToolHistory: hasToolBlocks(conversation.messages),
  });
  if (tools.toolConfig !== undefined) body.toolConfig = tools.toolConfig;
  const given = isRecord(body.additionalModelRequestFields) ? body.additionalModelRequestFields : {};
  if (Object.keys(additional).length > 0 || Object.keys(given).length > 0)
    body.additionalModelRequestFields = { ...additional, ...given };
  const state: BedrockCallState = {
    includeUsage: isRecord(request.stream_options) && request.stream_options.include_usage === true,
    jsonToolName: tools.jsonToolName,
  };
  Object.defineProperty(body, BEDROCK_CALL, { value: state, enumerable: true });
  return body;
}

/** What toConverseRequest noted for the answer (defaults when the body came some other way). */
export function callStateOf(sent: Record<string, unknown>): BedrockCallState {
  const state = (sent as { [BEDROCK_CALL]?: BedrockCallState })[BEDROCK_CALL];
  return state ?? { includeUsage: false, jsonToolName: undefined };
}
