import type {
  ResponseContentPart,
  ResponseItem,
  ResponsesRequest,
  ResponseTool,
  ResponseToolChoice,
} from "../../openai/responses.js";
import type { ChatCompletionRequest, ChatMessage, ContentPart } from "../../openai/types.js";

/** A chat request made from a Responses request, and what could not be carried over. */
export interface ChatTranslation {
  request: ChatCompletionRequest;
  /** What was left out (`tool web_search`, `item local_shell_call`), for a debug log line. */
  dropped: string[];
}

/** Responses fields that are mapped below, or that mean nothing to a chat endpoint. */
const RESPONSES_ONLY_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "max_output_tokens",
  "text",
  "reasoning",
  "stream",
  "stream_options",
  "store",
  "previous_response_id",
  "include",
  "truncation",
  "background",
  "conversation",
  "prompt",
  "prompt_cache_key",
  "safety_identifier",
  "max_tool_calls",
  "top_logprobs",
  "client_metadata",
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function textOfParts(content: string | ResponseContentPart[]): string {
  if (typeof content === "string") return content;
  const texts: string[] = [];
  for (const part of content) if (typeof part.text === "string") texts.push(part.text);
  return texts.join("");
}

/** input_text / output_text -> text, input_image -> image_url, input_file -> file. */
function toChatPart(part: ResponseContentPart, dropped: string[]): ContentPart | undefined {
  if ((part.type === "input_text" || part.type === "output_text") && typeof part.text === "string")
    return { type: "text", text: part.text };
  if (part.type === "input_image") {
    const url = typeof part.image_url === "string" ? part.image_url : undefined;
    if (url === undefined) {
      dropped.push("input_image without image_url");
      return undefined;
    }
    const detail = typeof part.detail === "string" ? part.detail : undefined;
    return { type: "image_url", image_url: detail === undefined ? { url } : { url, detail } };
  }
  if (part.type === "input_file") {
    const file: Record<string, unknown> = {};
    for (const key of ["file_data", "file_id", "filename"])
      if (part[key] !== undefined) file[key] = part[key];
    return { type: "file", file };
  }
  dropped.push(`content part ${part.type}`);
  return undefined;
}

function toChatContent(content: string | ResponseContentPart[], dropped: string[]): string | ContentPart[] {
  if (typeof content === "string") return content;
  const parts: ContentPart[] = [];
  for (const part of content) {
    const mapped = toChatPart(part, dropped);
    if (mapped !== undefined) parts.push(mapped);
  }
  return parts.every((part) => part.type === "text") ? parts.map((part) => part.text).join("") : parts;
}

/** The assistant message that function calls join: the last one, unless a tool answer came after it. */
function assistantForCalls(messages: ChatMessage[]): ChatMessage {
  const last = messages[messages.length - 1];
  if (last !== undefined && last.role === "assistant") return last;
  const message: ChatMessage = { role: "assistant", content: null };
  messages.push(message);
  return message;
}

function appendItem(item: ResponseItem, messages: ChatMessage[], dropped: string[]): void {
  const type = item.type ?? "message";
  if (type === "message" && typeof item.role === "string") {
    const content = item.content as string | ResponseContentPart[];
    const role = item.role === "developer" ? "system" : (item.role as ChatMessage["role"]);
    // System and assistant turns as plain text: what every chat server takes.
    const isTextOnly = role === "system" || role === "assistant";
    messages.push({ role, content: isTextOnly ? textOfParts(content) : toChatContent(content, dropped) });
    return;
  }
  if (type === "function_call" && typeof item.call_id === "string" && typeof item.name === "string") {
    const message = assistantForCalls(messages);
    message.tool_calls ??= [];
    const args = typeof item.arguments === "string" ? item.arguments : "{}";
    message.tool_calls.push({
      id: item.call_id,
      type: "function",
      function: { name: item.name, arguments: args },
    });
    return;
  }
  if (type === "function_call_output" && typeof item.call_id === "string") {
    const output = item.output as string | ResponseContentPart[] | undefined;
    const content = output === undefined ? "" : textOfParts(output);
    messages.push({ role: "tool", tool_call_id: item.call_id, content });
    return;
  }
  // Reasoning items are the model's own notes; a chat target cannot take them back.
  if (type !== "reasoning") dropped.push(`item ${type}`);
}

/** The conversation as chat messages: instructions first, then the input items in order. */
export function toChatMessages(request: ResponsesRequest, dropped: string[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (typeof request.instructions === "string" && request.instructions !== "")
    messages.push({ role: "system", content: request.instructions });
  const input = request.input;
  if (typeof input === "string") messages.push({ role: "user", content: input });
  else if (Array.isArray(input))
    for (const item of input) if (isRecord(item)) appendItem(item, messages, dropped);
  return messages;
}

function toChatTools(tools: ResponseTool[], dropped: string[]): Record<string, unknown>[] {
  const mapped: Record<string, unknown>[] = [];
  for (const tool of tools) {
    if (tool.type !== "function" || typeof tool.name !== "string") {
      dropped.push(`tool ${tool.type}${typeof tool.name === "string" ? ` ${tool.name}` : ""}`);
      continue;
    }
    const definition: Record<string, unknown> = { name: tool.name };
    if (typeof tool.description === "string") definition.description = tool.description;
    definition.parameters = isRecord(tool.parameters) ? tool.parameters : { type: "object", properties: {} };
    if (typeof tool.strict === "boolean") definition.strict = tool.strict;
    mapped.push({ type: "function", function: definition });
  }
  return mapped;
}

function toChatToolChoice(choice: ResponseToolChoice, names: Set<string>, dropped: string[]): unknown {
  if (typeof choice === "string") return choice;
  if (choice.type === "function" && typeof choice.name === "string" && names.has(choice.name))
    return { type: "function", function: { name: choice.name } };
  dropped.push(`tool_choice ${choice.type}`);
  return undefined;
}

/** text.format -> response_format (json_schema, json_object); plain text needs none. */
function toResponseFormat(request: ResponsesRequest): unknown {
  const format = request.text?.format;
  if (!isRecord(format)) return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type !== "json_schema") return undefined;
  const schema: Record<string, unknown> = {
    name: typeof format.name === "string" ? format.name : "response",
  };
  if (typeof format.description === "string") schema.description = format.description;
  if (format.schema !== undefined) schema.schema = format.schema;
  if (typeof format.strict === "boolean") schema.strict = format.strict;
  return { type: "json_schema", json_schema: schema };
}

function setIfGiven(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== null) target[key] = value;
}

/**
 * A Responses request as a chat completions request. Tools that are not functions (web_search,
 * local_shell, namespace, ...) and items a chat target cannot take are left out and listed in
 * `dropped`. Fields the Responses API does not know (a deployment's `top_k`, ...) pass through.
 */
export function toChatRequest(request: ResponsesRequest): ChatTranslation {
  const dropped: string[] = [];
  const chat: Record<string, unknown> = { model: request.model, messages: toChatMessages(request, dropped) };
  const tools = Array.isArray(request.tools) ? toChatTools(request.tools, dropped) : [];
  if (tools.length > 0) {
    chat.tools = tools;
    const names = new Set(tools.map((tool) => (tool.function as { name: string }).name));
    if (request.tool_choice !== undefined && request.tool_choice !== null)
      setIfGiven(chat, "tool_choice", toChatToolChoice(request.tool_choice, names, dropped));
    setIfGiven(chat, "parallel_tool_calls", request.parallel_tool_calls);
  }
  setIfGiven(chat, "max_tokens", request.max_output_tokens);
  setIfGiven(chat, "response_format", toResponseFormat(request));
  setIfGiven(chat, "reasoning_effort", request.reasoning?.effort);
  if (typeof request.top_logprobs === "number") {
    chat.logprobs = true;
    chat.top_logprobs = request.top_logprobs;
  }
  for (const [key, value] of Object.entries(request)) {
    if (!RESPONSES_ONLY_FIELDS.has(key) && value !== undefined && value !== null) chat[key] = value;
  }
  if (request.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return { request: chat as ChatCompletionRequest, dropped };
}
