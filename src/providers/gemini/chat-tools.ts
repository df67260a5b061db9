import { BadRequestError } from "../../errors/index.js";
import type { ChatCompletionRequest } from "../../openai/types.js";
import { isEmptyObjectSchema, toGeminiSchema } from "./json-schema.js";
import { type GeminiFunctionDeclaration, type GeminiTool, type GeminiToolConfig, isRecord } from "./wire.js";

function refuse(message: string, param: string, model: string): BadRequestError {
  return new BadRequestError({ message, param, model });
}

type ConvertedTool = { declaration: GeminiFunctionDeclaration } | { native: GeminiTool };

function toDeclaration(tool: unknown, model: string): ConvertedTool {
  if (!isRecord(tool)) throw refuse("each tool must be an object", "tools", model);
  if (tool.type !== "function") {
    // A Gemini tool written natively (googleSearch, codeExecution, urlContext...): passed on as is.
    const { type: _type, ...native } = tool;
    return { native };
  }
  const fn = tool.function;
  if (!isRecord(fn) || typeof fn.name !== "string" || fn.name === "") {
    throw refuse("a function tool needs function.name", "tools", model);
  }
  const declaration: GeminiFunctionDeclaration = { name: fn.name };
  if (typeof fn.description === "string" && fn.description !== "") declaration.description = fn.description;
  if (isRecord(fn.parameters)) {
    const parameters = toGeminiSchema(fn.parameters);
    // `{type: "object", properties: {}}` is refused ("should be non-empty for OBJECT type"): a
    // function without parameters has none.
    if (!isEmptyObjectSchema(parameters)) declaration.parameters = parameters;
  }
  return { declaration };
}

/** OpenAI `tools` -> Gemini `tools`: the functions in one `functionDeclarations` tool, native tools beside it. */
export function toGeminiTools(request: ChatCompletionRequest): GeminiTool[] | undefined {
  if (!Array.isArray(request.tools) || request.tools.length === 0) return undefined;
  const declarations: GeminiFunctionDeclaration[] = [];
  const native: GeminiTool[] = [];
  for (const tool of request.tools) {
    const converted = toDeclaration(tool, request.model);
    if ("declaration" in converted) declarations.push(converted.declaration);
    else native.push(converted.native);
  }
  return declarations.length > 0 ? [{ functionDeclarations: declarations }, ...native] : native;
}

/**
 * OpenAI `tool_choice` -> `toolConfig.functionCallingConfig`: auto AUTO, none NONE, required ANY,
 * a named function ANY with `allowedFunctionNames: [name]`.
 */
export function toGeminiToolConfig(request: ChatCompletionRequest): GeminiToolConfig | undefined {
  const choice = request.tool_choice;
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto") return { functionCallingConfig: { mode: "AUTO" } };
  if (choice === "none") return { functionCallingConfig: { mode: "NONE" } };
  if (choice === "required" || choice === "any") return { functionCallingConfig: { mode: "ANY" } };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === "string") {
    return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] } };
  }
  throw refuse(
    `tool_choice must be "auto", "none", "required" or {"type": "function", "function": {"name": ...}}`,
    "tool_choice",
    request.model,
  );
}
