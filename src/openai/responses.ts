/**
 * Our types of OpenAI's Responses API wire surface (`POST /v1/responses`): the request, the
 * response object, its items and the stream events. Lenient: unknown fields are kept.
 */

/** A content part: `input_text`, `input_image`, `input_file`, `output_text`, `refusal`, ... */
export interface ResponseContentPart {
  type: "input_text" | "input_image" | "input_file" | "output_text" | "refusal" | (string & {});
  text?: string;
  image_url?: string | null;
  file_id?: string | null;
  detail?: string | null;
  [field: string]: unknown;
}

export type ResponseRole = "user" | "assistant" | "system" | "developer";

export interface ResponseMessageItem {
  type?: "message";
  id?: string;
  role: ResponseRole;
  content: string | ResponseContentPart[];
  status?: string;
  [field: string]: unknown;
}

export interface ResponseFunctionCallItem {
  type: "function_call";
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  status?: string;
  [field: string]: unknown;
}

export interface ResponseFunctionCallOutputItem {
  type: "function_call_output";
  id?: string;
  call_id: string;
  output: string | ResponseContentPart[];
  status?: string;
  [field: string]: unknown;
}

export interface ResponseReasoningItem {
  type: "reasoning";
  id: string;
  summary: { type: "summary_text"; text: string }[];
  content?: { type: "reasoning_text"; text: string }[];
  encrypted_content?: string | null;
  status?: string;
  [field: string]: unknown;
}

export interface ResponseOtherItem {
  type: string;
  id?: string;
  [field: string]: unknown;
}

export type ResponseItem =
  | ResponseMessageItem
  | ResponseFunctionCallItem
  | ResponseFunctionCallOutputItem
  | ResponseReasoningItem
  | ResponseOtherItem;

export interface ResponseFunctionTool {
  type: "function";
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

export type ResponseTool = ResponseFunctionTool | { type: string; [field: string]: unknown };

export type ResponseToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; name: string }
  | { type: string; [field: string]: unknown };

export interface ResponseTextFormat {
  type: "text" | "json_object" | "json_schema" | (string & {});
  name?: string;
  schema?: Record<string, unknown>;
  description?: string;
  strict?: boolean | null;
}

export interface ResponsesRequest {
  model: string;
  input?: string | ResponseItem[] | null;
  instructions?: string | null;
  tools?: ResponseTool[] | null;
  tool_choice?: ResponseToolChoice | null;
  parallel_tool_calls?: boolean | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  text?: { format?: ResponseTextFormat | null; [field: string]: unknown } | null;
  reasoning?: { effort?: string | null; summary?: string | null; [field: string]: unknown } | null;
  metadata?: Record<string, string> | null;
  user?: string | null;
  store?: boolean | null;
  previous_response_id?: string | null;
  stream?: boolean | null;
  [field: string]: unknown;
}

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number; [field: string]: unknown };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number; [field: string]: unknown };
  total_tokens: number;
}

export type ResponseStatus = "completed" | "failed" | "in_progress" | "cancelled" | "queued" | "incomplete";

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponseItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: ResponseTextFormat };
  tool_choice: ResponseToolChoice;
  tools: ResponseTool[];
  top_p: number | null;
  truncation: "disabled" | "auto";
  /** Absent until the response is over. */
  usage?: ResponseUsage;
  user?: string | null;
  metadata: Record<string, string>;
  [field: string]: unknown;
}

/** One event of a Responses stream: `type` names it, `sequence_number` orders it. */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/** `GET /v1/responses/{id}/input_items`. */
export interface ResponseItemList {
  object: "list";
  data: ResponseItem[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}
