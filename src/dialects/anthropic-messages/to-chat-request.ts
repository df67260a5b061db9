import type { ChatCompletionRequest, ChatMessage } from "../../openai/types.js";
import { systemText, toChatMessages } from "./to-chat-messages.js";
import type { MessagesRequest, ToolChoice, ToolParam } from "./wire.js";

/** A client tool (one with an input schema); server tools (`web_search_20250305`, ...) have no chat form. */
function isClientTool(tool: ToolParam): boolean {
  return (tool.type === undefined || tool.type === "custom") && typeof tool.name === "string";
}

function toChatTools(tools: readonly ToolParam[]): Record<string, unknown>[] {
  return tools.filter(isClientTool).map((tool) => {
    const definition: Record<string, unknown> = {
      name: tool.name,
      parameters: tool.input_schema ?? { type: "object", properties: {} },
    };
    if (typeof tool.description === "string") definition.description = tool.description;
    return { type: "function", function: definition };
  });
}

function toChatToolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { type: "function", function: { name: choice.name } };
    default:
      return "auto";
  }
}

/** `output_format` / `output_config.format` of type json_schema -> chat `response_format`. */
function toResponseFormat(request: MessagesRequest): Record<string, unknown> | undefined {
  const config = request.output_config as { format?: unknown } | undefined;
  const format = (config?.format ?? request.output_format) as
    | { type?: unknown; schema?: unknown }
    | undefined;
  if (typeof format !== "object" || format === null || format.type !== "json_schema") return undefined;
  if (typeof format.schema !== "object" || format.schema === null) return { type: "json_object" };
  return { type: "json_schema", json_schema: { name: "output", schema: format.schema } };
}

function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/**
 * An Anthropic Messages request -> a chat completions request. What chat has no place for
 * (`thinking`, `cache_control`, `context_management`, `output_config.effort`, server tools,
 * `anthropic-beta` features, unknown fields) is left out, never refused: the target could not take it.
 */
export function toChatRequest(request: MessagesRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  if (isSet(request.system)) {
    const text = systemText(request.system);
    if (text !== "") messages.push({ role: "system", content: text });
  }
  messages.push(...toChatMessages(request.messages));
  const chat: ChatCompletionRequest = { model: request.model, messages };
  if (isSet(request.max_tokens)) chat.max_tokens = request.max_tokens;
  if (isSet(request.temperature)) chat.temperature = request.temperature;
  if (isSet(request.top_p)) chat.top_p = request.top_p;
  if (isSet(request.top_k)) chat.top_k = request.top_k;
  if (isSet(request.stop_sequences) && request.stop_sequences.length > 0) chat.stop = request.stop_sequences;
  const userId = request.metadata?.user_id;
  if (typeof userId === "string" && userId !== "") chat.user = userId;
  const tools = Array.isArray(request.tools) ? toChatTools(request.tools) : [];
  if (tools.length > 0) {
    chat.tools = tools;
    if (isSet(request.tool_choice)) {
      chat.tool_choice = toChatToolChoice(request.tool_choice);
      if (request.tool_choice.disable_parallel_tool_use === true) chat.parallel_tool_calls = false;
    }
  }
  const responseFormat = toResponseFormat(request);
  if (responseFormat !== undefined) chat.response_format = responseFormat;
  if (request.stream === true) {
    chat.stream = true;
    // message_delta carries the output tokens: the chat stream must end with its usage.
    chat.stream_options = { include_usage: true };
  }
  return chat;
}
