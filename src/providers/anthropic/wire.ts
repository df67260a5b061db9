/**
 * Anthropic Messages API payloads (docs.anthropic.com/en/api/messages), only the fields we write or
 * read. Answers are read leniently: every field may be missing, and unknown fields are ignored.
 */

export const ANTHROPIC_VERSION = "2023-06-01";
export const ANTHROPIC_DEFAULT_API_BASE = "https://api.anthropic.com";
export const ANTHROPIC_MESSAGES_PATH = "/v1/messages";
/** Anthropic requires `max_tokens`; LiteLLM's default when the caller gives none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;
/** The forced tool whose input is the answer to `response_format` (LiteLLM's name for it). */
export const RESPONSE_FORMAT_TOOL_NAME = "json_tool_call";

/**
 * On a body built by toAnthropicRequest: whether the client asked for a stream's usage chunk
 * (`stream_options.include_usage`), which Anthropic has no field for. A symbol key is not
 * serialized, and survives `{...body}`; keep the body object (change it in place or spread it).
 */
export const INCLUDE_STREAM_USAGE: unique symbol = Symbol.for("llmgate.anthropic.includeStreamUsage");

export type AnthropicCacheControl = Record<string, unknown>;

export interface AnthropicTextBlock {
  type: "text";
  text: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicImageBlock {
  type: "image";
  source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicDocumentBlock {
  type: "document";
  source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
  title?: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string | AnthropicContentBlock[];
  is_error?: boolean;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}

/** A block of a type we do not build (sent by a client in Anthropic's own shape): passed on as is. */
export interface AnthropicOtherBlock {
  type: string;
  [field: string]: unknown;
}

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | AnthropicOtherBlock;

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: AnthropicContentBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  cache_control?: AnthropicCacheControl;
  [field: string]: unknown;
}

export interface AnthropicToolChoice {
  type: "auto" | "any" | "tool" | "none";
  name?: string;
  disable_parallel_tool_use?: boolean;
}

export interface AnthropicThinkingConfig {
  type: string;
  budget_tokens?: number;
  [field: string]: unknown;
}

/** The body of `POST /v1/messages`, as toAnthropicRequest builds it. */
export interface AnthropicMessagesRequest {
  model: string;
  messages: AnthropicMessage[];
  max_tokens: number;
  system?: AnthropicTextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  metadata?: { user_id: string };
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinkingConfig;
  stream?: boolean;
  [INCLUDE_STREAM_USAGE]?: boolean;
  [field: string]: unknown;
}

/** `usage` of an answer, of `message_start` and of `message_delta` (cumulative counts). */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** A non-streamed answer (`type: "message"`). */
export interface AnthropicMessagesResponse {
  id?: string;
  type?: string;
  role?: string;
  model?: string;
  content?: AnthropicContentBlock[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage;
}

/** An error answer: `{"type": "error", "error": {"type": "...", "message": "..."}}`. */
export interface AnthropicErrorBody {
  type?: string;
  error?: { type?: string; message?: string };
  request_id?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A count from an answer: a finite non-negative number, else 0. */
export function countOf(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}
