/**
 * Ollama's native API payloads (github.com/ollama/ollama docs/api.md: /api/chat, /api/generate,
 * /api/embed), only the fields we write or read. Answers are read leniently: every field may be
 * missing, and unknown fields are ignored. Streams are NDJSON: one such object a line, the last
 * with `done: true`, the reason and the counts.
 */

export const OLLAMA_DEFAULT_API_BASE = "http://localhost:11434";
export const OLLAMA_CHAT_PATH = "/api/chat";
export const OLLAMA_GENERATE_PATH = "/api/generate";
export const OLLAMA_EMBED_PATH = "/api/embed";

/**
 * On a body built for a stream: whether the client asked for a usage chunk
 * (`stream_options.include_usage`), which Ollama has no field for. A symbol key is not serialized
 * and survives `{...body}`.
 */
export const INCLUDE_STREAM_USAGE: unique symbol = Symbol.for("llmgate.ollama.includeStreamUsage");

/** On an embeddings body: the `encoding_format` the client asked for (Ollama always answers floats). */
export const ENCODING_FORMAT: unique symbol = Symbol.for("llmgate.ollama.encodingFormat");

export interface OllamaToolCall {
  /** Newer servers name each call; older ones do not. */
  id?: string;
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

export interface OllamaMessage {
  role: string;
  content: string;
  thinking?: string;
  /** Base64 images, without a `data:` prefix. */
  images?: string[];
  tool_calls?: OllamaToolCall[];
  /** On a `tool` message: the function whose result it is. */
  tool_name?: string;
}

/** What both /api/chat and /api/generate take beside their input. */
export interface OllamaCommonFields {
  stream: boolean;
  /** "json", or a JSON schema (structured outputs). */
  format?: "json" | Record<string, unknown>;
  options?: Record<string, unknown>;
  think?: boolean | "low" | "medium" | "high";
  keep_alive?: string | number;
  [INCLUDE_STREAM_USAGE]?: boolean;
}

export interface OllamaCommonRequest extends OllamaCommonFields {
  model: string;
  [field: string]: unknown;
}

export interface OllamaChatRequest extends OllamaCommonRequest {
  messages: OllamaMessage[];
  tools?: unknown[];
}

export interface OllamaGenerateRequest extends OllamaCommonRequest {
  prompt: string;
  system?: string;
  images?: string[];
  suffix?: string;
}

/** One /api/chat answer, or one line of its stream. */
export interface OllamaChatResponse {
  model?: string;
  created_at?: string;
  message?: {
    role?: string;
    content?: string | null;
    thinking?: string | null;
    tool_calls?: unknown[] | null;
  } | null;
  done?: boolean;
  done_reason?: string | null;
  prompt_eval_count?: number | null;
  eval_count?: number | null;
  error?: unknown;
}

/** One /api/generate answer, or one line of its stream. */
export interface OllamaGenerateResponse {
  model?: string;
  created_at?: string;
  response?: string | null;
  thinking?: string | null;
  done?: boolean;
  done_reason?: string | null;
  prompt_eval_count?: number | null;
  eval_count?: number | null;
  error?: unknown;
}

export interface OllamaEmbedResponse {
  model?: string;
  embeddings?: unknown;
  prompt_eval_count?: number | null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A count as Ollama reports it; absent or not a number is 0 (a fully cached prompt has no count). */
export function countOf(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}
