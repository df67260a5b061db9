import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { ChatCompletionRequest } from "../../openai/types.js";
import { BEDROCK_PROVIDER_ID } from "./api.js";
import { CACHE_POINT } from "./chat-content.js";
import type { CachePointBlock, ConverseToolChoice, ConverseToolConfig, ConverseToolSpec } from "./wire.js";
import { isRecord } from "./wire.js";

/** LiteLLM's name for the tool that carries a `json_object` answer. */
export const JSON_TOOL_NAME = "json_tool_call";

export interface ToolContext {
  dropParams: boolean;
  /** Claude with thinking takes only `auto` tool choice. */
  isThinkingEnabled: boolean;
  /** The conversation holds toolUse/toolResult blocks (Converse then needs the tools). */
  hasToolHistory: boolean;
}

export interface ConverseTools {
  toolConfig: ConverseToolConfig | undefined;
  /** The forced tool whose input is the answer's content (response_format), when there is one. */
  jsonToolName: string | undefined;
}

function unsupported(param: string, message: string): UnsupportedParamsError {
  return new UnsupportedParamsError({ message, param, provider: BEDROCK_PROVIDER_ID });
}

function toToolSpecs(tools: unknown, context: ToolContext): Array<ConverseToolSpec | CachePointBlock> {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw new BadRequestError({ message: "tools must be a list", param: "tools" });
  const specs: Array<ConverseToolSpec | CachePointBlock> = [];
  for (const tool of tools) {
    if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) {
      const type = isRecord(tool) ? String(tool.type) : typeof tool;
      if (context.dropParams) continue;
      throw unsupported(
        "tools",
        `bedrock takes function tools only, not ${type} (drop_params: true leaves it out)`,
      );
    }
    const { name, description, parameters } = tool.function;
    if (typeof name !== "string" || name === "")
      throw new BadRequestError({ message: "a tool needs a function name", param: "tools" });
    specs.push({
      toolSpec: {
        name,
        ...(typeof description === "string" && description !== "" ? { description } : {}),
        inputSchema: { json: isRecord(parameters) ? parameters : { type: "object", properties: {} } },
      },
    });
    if (tool.cache_control !== undefined && tool.cache_control !== null) specs.push(CACHE_POINT);
  }
  return specs;
}

/** `response_format` -> the tool the model is made to call with the JSON, as LiteLLM does. */
function toJsonTool(responseFormat: unknown): ConverseToolSpec | undefined {
  if (!isRecord(responseFormat) || responseFormat.type === "text" || responseFormat.type === undefined)
    return undefined;
  if (responseFormat.type === "json_object")
    return {
      toolSpec: {
        name: JSON_TOOL_NAME,
        inputSchema: { json: { type: "object", additionalProperties: true, properties: {} } },
      },
    };
  if (responseFormat.type !== "json_schema")
    throw new BadRequestError({
      message: `response_format type ${String(responseFormat.type)} is not one bedrock can take`,
      param: "response_format",
    });
  const schema = isRecord(responseFormat.json_schema) ? responseFormat.json_schema : {};
  const name =
    typeof schema.name === "string" && /^[a-zA-Z0-9_-]{1,64}$/.test(schema.name)
      ? schema.name
      : JSON_TOOL_NAME;
  return {
    toolSpec: {
      name,
      ...(typeof schema.description === "string" ? { description: schema.description } : {}),
      inputSchema: { json: isRecord(schema.schema) ? schema.schema : { type: "object", properties: {} } },
    },
  };
}

/** OpenAI's tool_choice -> Converse's; "none" is handled by the caller. */
function toToolChoice(choice: unknown, context: ToolContext): ConverseToolChoice | undefined {
  if (choice === "auto") return { auto: {} };
  if (choice === "required") return { any: {} };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === "string")
    return { tool: { name: choice.function.name } };
  if (context.dropParams) return undefined;
  throw unsupported("tool_choice", `bedrock cannot take tool_choice ${JSON.stringify(choice)}`);
}

/**
 * tools, tool_choice and response_format -> Converse's toolConfig. `tool_choice: "none"` leaves
 * the tools out (Converse has no "none"), unless the conversation holds tool blocks, which need
 * them: then it is refused, or dropped with drop_params. A response_format adds a tool the model
 * is made to call (not with thinking, which takes no forced tool).
 */
export function toConverseTools(request: ChatCompletionRequest, context: ToolContext): ConverseTools {
  let specs = toToolSpecs(request.tools, context);
  const choice = request.tool_choice;
  let toolChoice: ConverseToolChoice | undefined;
  if (choice === "none") {
    if (!context.hasToolHistory) specs = [];
    else if (!context.dropParams)
      throw unsupported(
        "tool_choice",
        'bedrock has no tool_choice "none" for a conversation that holds tool calls (drop_params: true lets the model choose)',
      );
  } else if (choice !== undefined && choice !== null && specs.length > 0) {
    toolChoice = toToolChoice(choice, context);
  }
  const jsonTool = toJsonTool(request.response_format);
  if (jsonTool !== undefined) {
    specs = [...specs, jsonTool];
    toolChoice = context.isThinkingEnabled ? undefined : { tool: { name: jsonTool.toolSpec.name } };
  }
  if (context.isThinkingEnabled && toolChoice !== undefined && !("auto" in toolChoice)) {
    if (!context.dropParams)
      throw unsupported(
        "tool_choice",
        "bedrock's Claude with thinking takes tool_choice auto only (drop_params: true drops it)",
      );
    toolChoice = undefined;
  }
  if (specs.length === 0) return { toolConfig: undefined, jsonToolName: undefined };
  return {
    toolConfig: { tools: specs, ...(toolChoice === undefined ? {} : { toolChoice }) },
    jsonToolName: jsonTool?.toolSpec.name,
  };
}
