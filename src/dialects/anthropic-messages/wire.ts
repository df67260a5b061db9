/**
 * Anthropic Messages API shapes (https://docs.anthropic.com/en/api/messages), as clients send them
 * and as we answer. Lenient on input: blocks and fields we do not know keep an index signature.
 */

export interface CacheControl {
  type: string;
  [field: string]: unknown;
}

export interface TextBlockParam {
  type: "text";
  text: string;
  cache_control?: CacheControl | null;
  [field: string]: unknown;
}

export interface ImageSource {
  type: "base64" | "url" | string;
  media_type?: string;
  data?: string;
  url?: string;
  [field: string]: unknown;
}

export interface ImageBlockParam {
  type: "image";
  source: ImageSource;
  [field: string]: unknown;
}

export interface DocumentBlockParam {
  type: "document";
  /** base64 (PDF), text (plain), url (PDF), content (blocks). */
  source: ImageSource & { content?: string | ContentBlockParam[] };
  title?: string | null;
  context?: string | null;
  [field: string]: unknown;
}

export interface ToolUseBlockParam {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
  [field: string]: unknown;
}

export interface ToolResultBlockParam {
  type: "tool_result";
  tool_use_id: string;
  content?: string | ContentBlockParam[];
  is_error?: boolean;
  [field: string]: unknown;
}

export interface ThinkingBlockParam {
  type: "thinking";
  thinking: string;
  signature?: string;
  [field: string]: unknown;
}

export interface OtherBlockParam {
  type: string;
  [field: string]: unknown;
}

export type ContentBlockParam =
  | TextBlockParam
  | ImageBlockParam
  | DocumentBlockParam
  | ToolUseBlockParam
  | ToolResultBlockParam
  | ThinkingBlockParam
  | OtherBlockParam;

export interface MessageParam {
  /** `system` is not in Anthropic's schema, but Claude Code sends it inside `messages`. */
  role: "user" | "assistant" | "system";
  content: string | ContentBlockParam[];
  [field: string]: unknown;
}

export interface ToolParam {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  /** Absent or "custom" for a client tool; server tools (`web_search_20250305`, ...) name a version. */
  type?: string;
  cache_control?: CacheControl | null;
  [field: string]: unknown;
}

export type ToolChoice =
  | { type: "auto" | "any" | "none"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean };

export interface MessagesRequest {
  model: string;
  max_tokens?: number;
  messages: MessageParam[];
  system?: string | TextBlockParam[];
  tools?: ToolParam[];
  tool_choice?: ToolChoice;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  thinking?: { type: string; budget_tokens?: number; [field: string]: unknown };
  metadata?: { user_id?: string | null; [field: string]: unknown };
  stream?: boolean;
  [field: string]: unknown;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
  [field: string]: unknown;
}

export interface TextBlock {
  type: "text";
  text: string;
  citations?: null;
}

export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}

export type ContentBlock = TextBlock | ToolUseBlock | ThinkingBlock;

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal";

export interface Message {
  id: string;
  type: "message";
  role: "assistant";
  content: ContentBlock[];
  model: string;
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
}

export type ContentBlockDelta =
  | { type: "text_delta"; text: string }
  | { type: "input_json_delta"; partial_json: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string };

export type StreamEvent =
  | { type: "message_start"; message: Message }
  | { type: "content_block_start"; index: number; content_block: ContentBlock }
  | { type: "content_block_delta"; index: number; delta: ContentBlockDelta }
  | { type: "content_block_stop"; index: number }
  | {
      type: "message_delta";
      delta: { stop_reason: StopReason | null; stop_sequence: string | null };
      usage: Partial<Usage> & { output_tokens: number };
    }
  | { type: "message_stop" }
  | { type: "ping" }
  | { type: "error"; error: { type: string; message: string } };

export interface ErrorBody {
  type: "error";
  error: { type: string; message: string };
}
