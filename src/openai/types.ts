/**
 * Our types of the OpenAI wire surface. Field names are OpenAI's, exactly. Requests keep an index
 * signature because unknown fields pass through to OpenAI-compatible upstreams untouched.
 */

export type Role = "system" | "developer" | "user" | "assistant" | "tool" | "function";

export interface TextContentPart {
  type: "text";
  text: string;
}

export interface OtherContentPart {
  type: string;
  [field: string]: unknown;
}

export type ContentPart = TextContentPart | OtherContentPart;

export interface ChatMessage {
  role: Role;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  [field: string]: unknown;
}

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface StreamOptions {
  include_usage?: boolean;
  [field: string]: unknown;
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: StreamOptions | null;
  [field: string]: unknown;
}

export interface CompletionRequest {
  model: string;
  prompt: string | string[] | number[] | number[][];
  stream?: boolean | null;
  stream_options?: StreamOptions | null;
  [field: string]: unknown;
}

export interface EmbeddingRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  [field: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [field: string]: unknown } | null;
  completion_tokens_details?: Record<string, unknown> | null;
  [field: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatMessage & { role: "assistant"; content: string | null };
  finish_reason: string | null;
  logprobs: unknown;
  [field: string]: unknown;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: { role?: Role; content?: string | null; tool_calls?: unknown[]; [field: string]: unknown };
  finish_reason: string | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: Usage | null;
  [field: string]: unknown;
}

export interface CompletionChoice {
  index: number;
  text: string;
  finish_reason: string | null;
  logprobs: unknown;
  [field: string]: unknown;
}

/** A text completion; streamed chunks have the same shape (`object: "text_completion"`). */
export interface Completion {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage?: Usage | null;
  [field: string]: unknown;
}

export interface Embedding {
  object: "embedding";
  index: number;
  embedding: number[] | string;
}

export interface EmbeddingResponse {
  object: "list";
  data: Embedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
  [field: string]: unknown;
}

export interface Model {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/** The body of every error response: `{"error": {...}}`. */
export interface ErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}
