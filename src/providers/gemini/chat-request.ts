import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { ChatCompletionRequest } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { toGeminiConversation } from "./chat-messages.js";
import { toGeminiToolConfig, toGeminiTools } from "./chat-tools.js";
import { toGeminiSchema } from "./json-schema.js";
import {
  type GeminiGenerateContentRequest,
  type GeminiGenerationConfig,
  type GeminiThinkingConfig,
  INCLUDE_STREAM_USAGE,
  isRecord,
} from "./wire.js";

/**
 * The request fields this file maps, or leaves out on purpose: `user` and `metadata` (Gemini has
 * no end-user or metadata field; LiteLLM leaves them out too) and `parallel_tool_calls` (Gemini
 * decides by itself how many calls to make). Fields outside this set and UNSUPPORTED are Gemini's
 * own (`cachedContent`, `labels`, `toolConfig`...) and pass through untouched.
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
  "top_k",
  "stop",
  "n",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "logprobs",
  "top_logprobs",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "reasoning_effort",
  "thinking",
  "modalities",
  "user",
  "metadata",
  "safetySettings",
  "safety_settings",
  "generationConfig",
  "generation_config",
  "cached_content",
]);

/** OpenAI parameters Gemini has no equivalent for: refused, or dropped with `drop_params`. */
const UNSUPPORTED_LIST = [
  "logit_bias",
  "audio",
  "prediction",
  "store",
  "service_tier",
  "functions",
  "function_call",
  "web_search_options",
  "verbosity",
  "prompt_cache_key",
  "prompt_cache_retention",
  "safety_identifier",
] as const;
const UNSUPPORTED: ReadonlySet<string> = new Set(UNSUPPORTED_LIST);

/** `reasoning_effort` -> `thinkingBudget`, LiteLLM's defaults (its constants.py). */
const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  none: 0,
  disable: 0,
  minimal: 128,
  low: 1024,
  medium: 2048,
  high: 4096,
};

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function refuseUnsupported(request: ChatCompletionRequest, settings: TransformSettings): void {
  const names = UNSUPPORTED_LIST.filter((name) => isSet(request[name]));
  if (names.length === 0 || settings.dropParams) return;
  throw new UnsupportedParamsError({
    message:
      `Gemini does not support the parameter${names.length > 1 ? "s" : ""} ${names.join(", ")} ` +
      `(model ${request.model}); set drop_params: true to leave ${names.length > 1 ? "them" : "it"} out`,
    param: names[0],
    model: request.model,
  });
}

/** `thinking` (Anthropic's shape, as LiteLLM takes it) or `reasoning_effort` -> `thinkingConfig`. */
function thinkingConfigOf(request: ChatCompletionRequest): GeminiThinkingConfig | undefined {
  const thinking = request.thinking;
  if (isRecord(thinking)) {
    if (thinking.type === "disabled") return { thinkingBudget: 0 };
    const budget = thinking.budget_tokens;
    return typeof budget === "number"
      ? { thinkingBudget: budget, includeThoughts: true }
      : { includeThoughts: true };
  }
  const effort = request.reasoning_effort;
  if (!isSet(effort)) return undefined;
  const budget = typeof effort === "string" ? THINKING_BUDGETS[effort] : undefined;
  if (budget === undefined) {
    throw new BadRequestError({
      message: `reasoning_effort "${String(effort)}" is not one of none, minimal, low, medium, high`,
      param: "reasoning_effort",
      model: request.model,
    });
  }
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
}

function responseFormatConfig(request: ChatCompletionRequest): GeminiGenerationConfig {
  const format = request.response_format;
  if (!isRecord(format) || format.type === "text") return {};
  if (format.type === "json_object") return { responseMimeType: "application/json" };
  if (format.type === "json_schema") {
    const spec = isRecord(format.json_schema) ? format.json_schema : {};
    const schema = isRecord(spec.schema) ? spec.schema : undefined;
    return schema === undefined
      ? { responseMimeType: "application/json" }
      : { responseMimeType: "application/json", responseSchema: toGeminiSchema(schema) };
  }
  throw new BadRequestError({
    message: `response_format type "${String(format.type)}" is not one of text, json_object, json_schema`,
    param: "response_format",
    model: request.model,
  });
}

function stopSequencesOf(stop: unknown): string[] | undefined {
  const list = typeof stop === "string" ? [stop] : Array.isArray(stop) ? stop : [];
  const sequences = list.filter(
    (sequence): sequence is string => typeof sequence === "string" && sequence !== "",
  );
  return sequences.length > 0 ? sequences : undefined;
}

/** The generationConfig: the caller's own (Gemini's names) first, the mapped OpenAI parameters over it. */
function generationConfigOf(request: ChatCompletionRequest): GeminiGenerationConfig {
  const given = request.generationConfig ?? request.generation_config;
  const config: GeminiGenerationConfig = isRecord(given) ? { ...given } : {};
  const numbers: [keyof GeminiGenerationConfig, unknown][] = [
    ["temperature", request.temperature],
    ["topP", request.top_p],
    ["topK", request.top_k],
    ["maxOutputTokens", request.max_completion_tokens ?? request.max_tokens],
    ["candidateCount", request.n],
    ["seed", request.seed],
    ["presencePenalty", request.presence_penalty],
    ["frequencyPenalty", request.frequency_penalty],
    ["logprobs", request.top_logprobs],
  ];
  for (const [name, value] of numbers) if (typeof value === "number") config[name] = value;
  const stopSequences = stopSequencesOf(request.stop);
  if (stopSequences !== undefined) config.stopSequences = stopSequences;
  if (request.logprobs === true) config.responseLogprobs = true;
  if (Array.isArray(request.modalities)) {
    config.responseModalities = request.modalities.map((modality) => String(modality).toUpperCase());
  }
  Object.assign(config, responseFormatConfig(request));
  const thinkingConfig = thinkingConfigOf(request);
  if (thinkingConfig !== undefined) config.thinkingConfig = { ...config.thinkingConfig, ...thinkingConfig };
  return config;
}

/**
 * An OpenAI chat request -> the body of Gemini's `generateContent` / `streamGenerateContent` (also
 * Vertex AI's for Gemini models). Parameters Gemini cannot take are an UnsupportedParamsError
 * naming them, or are left out with `drop_params`.
 */
export function toGeminiRequest(
  request: ChatCompletionRequest,
  settings: TransformSettings,
): GeminiGenerateContentRequest {
  refuseUnsupported(request, settings);
  const { system, contents } = toGeminiConversation(request.messages, settings, request.model);
  if (contents.length === 0) {
    throw new BadRequestError({
      message: "Gemini needs at least one user or assistant message with content",
      param: "messages",
      model: request.model,
    });
  }
  const body: GeminiGenerateContentRequest = { contents };
  if (system.length > 0) body.system_instruction = { parts: system };
  const tools = toGeminiTools(request);
  if (tools !== undefined) body.tools = tools;
  const toolConfig = toGeminiToolConfig(request);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  const generationConfig = generationConfigOf(request);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  const safetySettings = request.safetySettings ?? request.safety_settings;
  if (Array.isArray(safetySettings)) body.safetySettings = safetySettings;
  if (typeof request.cached_content === "string") body.cachedContent = request.cached_content;
  for (const [name, value] of Object.entries(request)) {
    if (!MAPPED.has(name) && !UNSUPPORTED.has(name) && isSet(value)) body[name] = value;
  }
  if (request.stream === true) body[INCLUDE_STREAM_USAGE] = request.stream_options?.include_usage === true;
  return body;
}
