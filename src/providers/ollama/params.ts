import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { TransformSettings } from "../types.js";
import { INCLUDE_STREAM_USAGE, isRecord, type OllamaCommonFields, type OllamaCommonRequest } from "./wire.js";

/** The `options` Ollama's runner takes (its api.Options): named at the top level, they go there. */
const OLLAMA_OPTION_NAMES: ReadonlySet<string> = new Set([
  "numa",
  "num_ctx",
  "num_batch",
  "num_gpu",
  "main_gpu",
  "low_vram",
  "f16_kv",
  "logits_all",
  "vocab_only",
  "use_mmap",
  "use_mlock",
  "embedding_only",
  "num_thread",
  "num_keep",
  "num_predict",
  "top_k",
  "min_p",
  "tfs_z",
  "typical_p",
  "repeat_last_n",
  "repeat_penalty",
  "mirostat",
  "mirostat_tau",
  "mirostat_eta",
  "penalize_newline",
]);

/** Ollama's own top-level fields, passed through as given. */
const TOP_LEVEL_NAMES: ReadonlySet<string> = new Set([
  "keep_alive",
  "format",
  "think",
  "template",
  "raw",
  "system",
  "suffix",
  "context",
  "truncate",
]);

/** OpenAI fields that change nothing Ollama computes (an end-user id, tags for logs): left out. */
const IGNORED: ReadonlySet<string> = new Set(["user", "metadata", "stream_options", "service_tier"]);

/** OpenAI parameters Ollama has no equivalent for: refused, or dropped with `drop_params`. */
const UNSUPPORTED_LIST = [
  "logit_bias",
  "top_logprobs",
  "modalities",
  "audio",
  "prediction",
  "store",
  "functions",
  "function_call",
  "web_search_options",
  "verbosity",
  "safety_identifier",
  "prompt_cache_key",
  "prompt_cache_retention",
] as const;

export type Provider = "ollama" | "ollama_chat";

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Names of the OpenAI parameters of `request` that this call cannot take: the fixed list, `n`
 * above 1, `logprobs: true`, `parallel_tool_calls: false`, plus the `extra` the caller found
 * (tools on `ollama/`, a tool_choice Ollama cannot force).
 */
function unsupportedOf(request: Record<string, unknown>, extra: readonly string[]): string[] {
  const names: string[] = UNSUPPORTED_LIST.filter((name) => isSet(request[name]));
  if (isSet(request.n) && request.n !== 1) names.push("n");
  if (isSet(request.logprobs) && request.logprobs !== false) names.push("logprobs");
  if (request.parallel_tool_calls === false) names.push("parallel_tool_calls");
  return [...names, ...extra];
}

/** Throws an UnsupportedParamsError naming them, unless `drop_params`; returns the names to leave out. */
export function refuseUnsupported(
  request: Record<string, unknown>,
  settings: TransformSettings,
  provider: Provider,
  extra: readonly string[] = [],
  hint = "",
): ReadonlySet<string> {
  const names = unsupportedOf(request, extra);
  if (names.length > 0 && !settings.dropParams) {
    const plural = names.length > 1;
    throw new UnsupportedParamsError({
      message:
        `${provider} does not support the parameter${plural ? "s" : ""} ${names.join(", ")} ` +
        `(model ${String(request.model)})${hint}; set drop_params: true to leave ${plural ? "them" : "it"} out`,
      param: names[0],
      provider,
      model: typeof request.model === "string" ? request.model : undefined,
    });
  }
  return new Set(names);
}

/** `response_format` -> Ollama's `format`: "json", or the JSON schema itself. */
export function formatOf(responseFormat: unknown): OllamaCommonRequest["format"] | undefined {
  if (!isRecord(responseFormat)) return undefined;
  if (responseFormat.type === "json_object") return "json";
  if (responseFormat.type !== "json_schema") return undefined;
  const schema = isRecord(responseFormat.json_schema) ? responseFormat.json_schema.schema : undefined;
  return isRecord(schema) ? schema : "json";
}

const EFFORTS: ReadonlySet<string> = new Set(["minimal", "low", "medium", "high"]);

/**
 * `reasoning_effort` -> `think`: "none" turns thinking off; gpt-oss takes the level itself (low,
 * medium, high; minimal is low), other thinking models only on or off, as LiteLLM maps it.
 */
export function thinkOf(effort: unknown, model: string, provider: Provider): OllamaCommonRequest["think"] {
  if (!isSet(effort)) return undefined;
  if (effort === "none") return false;
  if (typeof effort !== "string" || !EFFORTS.has(effort)) {
    throw new BadRequestError({
      message: `reasoning_effort "${String(effort)}" is not one of none, minimal, low, medium, high`,
      param: "reasoning_effort",
      provider,
      model,
    });
  }
  if (!model.startsWith("gpt-oss")) return true;
  return effort === "minimal" ? "low" : (effort as "low" | "medium" | "high");
}

function stopOf(stop: unknown): string[] | undefined {
  const list = typeof stop === "string" ? [stop] : Array.isArray(stop) ? stop : [];
  const sequences = list.filter((sequence): sequence is string => typeof sequence === "string");
  return sequences.length > 0 ? sequences : undefined;
}

/** OpenAI sampling parameters -> Ollama options (frequency and presence penalties keep their names). */
function openAIOptionsOf(request: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === "number") options.num_predict = maxTokens;
  for (const name of ["temperature", "top_p", "seed", "frequency_penalty", "presence_penalty"] as const) {
    const value = request[name];
    if (typeof value === "number") options[name] = value;
  }
  const stop = stopOf(request.stop);
  if (stop !== undefined) options.stop = stop;
  return options;
}

/** What the body of both endpoints holds beside the input: stream, options, format, think, extras. */
export function toOllamaCommonFields(
  request: Record<string, unknown>,
  handled: ReadonlySet<string>,
  dropped: ReadonlySet<string>,
  provider: Provider,
): OllamaCommonFields & Record<string, unknown> {
  const options = openAIOptionsOf(request);
  const topLevel: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request)) {
    if (!isSet(value) || handled.has(name) || dropped.has(name) || IGNORED.has(name)) continue;
    if (name === "options" && isRecord(value)) Object.assign(options, value);
    else if (TOP_LEVEL_NAMES.has(name)) topLevel[name] = value;
    // Ollama's own options, and any other extra: into `options`, as LiteLLM sends them.
    else if (OLLAMA_OPTION_NAMES.has(name) || !COMMON_HANDLED.has(name)) options[name] = value;
  }
  const fields: OllamaCommonFields & Record<string, unknown> = { stream: request.stream === true };
  const format = formatOf(request.response_format);
  if (format !== undefined) fields.format = format;
  const think = thinkOf(request.reasoning_effort, String(request.model), provider);
  if (think !== undefined) fields.think = think;
  Object.assign(fields, topLevel);
  if (Object.keys(options).length > 0) fields.options = options;
  if (request.stream === true)
    fields[INCLUDE_STREAM_USAGE] =
      isRecord(request.stream_options) && request.stream_options.include_usage === true;
  return fields;
}

/** The OpenAI fields toOllamaCommonFields maps itself. */
const COMMON_HANDLED: ReadonlySet<string> = new Set([
  "model",
  "stream",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "seed",
  "frequency_penalty",
  "presence_penalty",
  "stop",
  "response_format",
  "reasoning_effort",
  "n",
  "logprobs",
  "parallel_tool_calls",
  ...UNSUPPORTED_LIST,
]);
