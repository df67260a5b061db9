import { BadRequestError } from "../../errors/index.js";
import type { ChatCompletionRequest } from "../../openai/types.js";
import { type AnthropicTool, type AnthropicToolChoice, isRecord, RESPONSE_FORMAT_TOOL_NAME } from "./wire.js";

/** What the request's tools become: Anthropic's `tools` and `tool_choice`, each absent when unset. */
export interface AnthropicToolFields {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

function invalid(param: string, what: string): BadRequestError {
  return new BadRequestError({ message: `${param}: ${what}`, param, provider: "anthropic" });
}

const EMPTY_OBJECT_SCHEMA = { type: "object", properties: {} };

/**
 * An OpenAI function tool -> an Anthropic tool (`parameters` -> `input_schema`); a tool already in
 * Anthropic's shape (`input_schema`, or a server tool such as `web_search_20250305`) passes as is.
 * A `cache_control` on the tool or on its function reaches Anthropic.
 */
function toolOf(tool: unknown, index: number): AnthropicTool {
  if (!isRecord(tool)) throw invalid(`tools[${index}]`, "a tool must be an object");
  if (tool.type !== "function" || "input_schema" in tool) return tool as AnthropicTool;
  const fn = tool.function;
  if (!isRecord(fn) || typeof fn.name !== "string") throw invalid(`tools[${index}].function`, "needs a name");
  const converted: AnthropicTool = {
    name: fn.name,
    input_schema: isRecord(fn.parameters) ? fn.parameters : EMPTY_OBJECT_SCHEMA,
  };
  if (typeof fn.description === "string") converted.description = fn.description;
  const cacheControl = isRecord(tool.cache_control) ? tool.cache_control : fn.cache_control;
  if (isRecord(cacheControl)) converted.cache_control = cacheControl;
  return converted;
}

function toolChoiceOf(choice: unknown): AnthropicToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required" || choice === "any") return { type: "any" };
  if (isRecord(choice)) {
    const fn = choice.function;
    const name = isRecord(fn) ? fn.name : choice.name;
    if (typeof name === "string") return { type: "tool", name };
    if (choice.type === "auto" || choice.type === "any" || choice.type === "none")
      return { type: choice.type };
  }
  throw invalid("tool_choice", `"${JSON.stringify(choice)}" is not auto, none, required or a named function`);
}

/** The forced tool that carries `response_format`'s JSON (Anthropic's documented JSON mode). */
function responseFormatTool(format: unknown): AnthropicTool | undefined {
  if (!isRecord(format) || format.type === "text") return undefined;
  if (format.type === "json_object") {
    return { name: RESPONSE_FORMAT_TOOL_NAME, input_schema: { type: "object", additionalProperties: true } };
  }
  if (format.type !== "json_schema") {
    throw invalid("response_format", `type "${String(format.type)}" is not text, json_object or json_schema`);
  }
  const jsonSchema = isRecord(format.json_schema) ? format.json_schema : {};
  const tool: AnthropicTool = {
    name: RESPONSE_FORMAT_TOOL_NAME,
    input_schema: isRecord(jsonSchema.schema) ? jsonSchema.schema : { type: "object" },
  };
  if (typeof jsonSchema.description === "string") tool.description = jsonSchema.description;
  return tool;
}

/** OpenAI's `web_search_options` -> Anthropic's web search server tool (as LiteLLM maps it). */
function webSearchTool(options: unknown): AnthropicTool | undefined {
  if (!isRecord(options)) return undefined;
  const tool: AnthropicTool = { type: "web_search_20250305", name: "web_search" } as unknown as AnthropicTool;
  const location = isRecord(options.user_location) ? options.user_location.approximate : undefined;
  if (isRecord(location)) tool.user_location = { type: "approximate", ...location };
  return tool;
}

/**
 * `tools`, `tool_choice`, `parallel_tool_calls`, `response_format` and `web_search_options` ->
 * Anthropic's `tools` and `tool_choice`. `required` is `any`, a named function is `tool`;
 * `parallel_tool_calls: false` is `disable_parallel_tool_use: true`. A response_format adds the
 * `json_tool_call` tool, forced unless the caller has tools of its own or thinking is on (Anthropic
 * refuses a forced tool with thinking).
 */
export function toAnthropicTools(request: ChatCompletionRequest, isThinking: boolean): AnthropicToolFields {
  const tools = Array.isArray(request.tools) ? request.tools.map(toolOf) : [];
  const hasOwnTools = tools.length > 0;
  let toolChoice = hasOwnTools ? toolChoiceOf(request.tool_choice) : undefined;
  const search = webSearchTool(request.web_search_options);
  if (search !== undefined) tools.push(search);
  const formatTool = responseFormatTool(request.response_format);
  if (formatTool !== undefined) {
    tools.push(formatTool);
    if (!hasOwnTools)
      toolChoice = isThinking ? { type: "auto" } : { type: "tool", name: RESPONSE_FORMAT_TOOL_NAME };
  }
  if (tools.length === 0) return {};
  const parallel = request.parallel_tool_calls;
  if (typeof parallel === "boolean" && toolChoice?.type !== "none") {
    toolChoice = { ...(toolChoice ?? { type: "auto" }), disable_parallel_tool_use: !parallel };
  }
  return toolChoice === undefined ? { tools } : { tools, tool_choice: toolChoice };
}
