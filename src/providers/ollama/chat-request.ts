import type { ChatCompletionRequest } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { toOllamaMessages } from "./chat-messages.js";
import { refuseUnsupported, toOllamaCommonFields } from "./params.js";
import { isRecord, type OllamaChatRequest } from "./wire.js";

/** The fields toOllamaChatRequest maps itself (beside the common ones). */
const HANDLED: ReadonlySet<string> = new Set(["messages", "tools", "tool_choice"]);

/**
 * `tool_choice`: Ollama has none. "auto" is what it does anyway, and "none" is kept by sending no
 * tools; "required" or a named function cannot be forced: unsupported (dropped with drop_params).
 */
function unsupportedToolChoice(toolChoice: unknown): string[] {
  if (toolChoice === undefined || toolChoice === null || toolChoice === "auto" || toolChoice === "none")
    return [];
  return ["tool_choice"];
}

/** OpenAI tools -> Ollama's, which have OpenAI's shape: only function tools are taken. */
function toolsOf(request: ChatCompletionRequest): unknown[] | undefined {
  if (!Array.isArray(request.tools) || request.tools.length === 0 || request.tool_choice === "none")
    return undefined;
  return request.tools.filter((tool) => isRecord(tool) && tool.type === "function");
}

/**
 * An OpenAI chat request -> the body of Ollama's `POST /api/chat`. `stream` is always sent: Ollama
 * streams when it is absent.
 */
export function toOllamaChatRequest(
  request: ChatCompletionRequest,
  settings: TransformSettings,
): OllamaChatRequest {
  const dropped = refuseUnsupported(
    request,
    settings,
    "ollama_chat",
    unsupportedToolChoice(request.tool_choice),
  );
  const body: OllamaChatRequest = {
    model: request.model,
    messages: toOllamaMessages(request.messages, settings, request.model),
    ...toOllamaCommonFields(request, HANDLED, dropped, "ollama_chat"),
  };
  const tools = toolsOf(request);
  if (tools !== undefined && tools.length > 0) body.tools = tools;
  return body;
}
