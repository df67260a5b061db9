import { BadRequestError } from "../../errors/index.js";
import type { ChatMessage } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { readContent } from "./content.js";
import { isRecord, type OllamaMessage, type OllamaToolCall } from "./wire.js";

const PROVIDER = "ollama_chat";

function refuse(message: string, model: string): BadRequestError {
  return new BadRequestError({ message, param: "messages", provider: PROVIDER, model });
}

/** An assistant's OpenAI tool call -> Ollama's, whose arguments are an object, not JSON text. */
function toOllamaToolCall(toolCall: unknown, model: string): OllamaToolCall {
  const call = isRecord(toolCall) ? toolCall : {};
  const fn = isRecord(call.function) ? call.function : {};
  const name = typeof fn.name === "string" ? fn.name : "";
  const text = typeof fn.arguments === "string" && fn.arguments.trim() !== "" ? fn.arguments : "{}";
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch {
    throw refuse(
      `the arguments of tool call ${String(call.id)} (${name}) are not JSON: ${text.slice(0, 100)}`,
      model,
    );
  }
  const converted: OllamaToolCall = { function: { name, arguments: isRecord(args) ? args : {} } };
  if (typeof call.id === "string" && call.id !== "") converted.id = call.id;
  return converted;
}

/**
 * OpenAI messages -> Ollama's /api/chat messages: system and developer as `system` (or `user` where
 * the model takes no system message), content parts to text and base64 `images`, assistant
 * `tool_calls` with object arguments and `reasoning_content` as `thinking`, tool results as `tool`
 * messages with the `tool_name` of the call they answer.
 */
export function toOllamaMessages(
  messages: readonly ChatMessage[],
  settings: TransformSettings,
  model: string,
): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, index) => {
    if (!isRecord(message)) throw refuse(`messages[${index}] is not an object`, model);
    const { texts, images } = readContent(message, PROVIDER, model);
    const converted: OllamaMessage = { role: message.role, content: texts.join("\n") };
    if (images.length > 0) converted.images = images;
    switch (message.role) {
      case "system":
      case "developer":
        converted.role = settings.supportsSystemMessage ? "system" : "user";
        break;
      case "user":
        break;
      case "assistant": {
        if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
          converted.tool_calls = message.tool_calls.map((call) => toOllamaToolCall(call, model));
          for (const call of converted.tool_calls)
            if (call.id !== undefined) toolNames.set(call.id, call.function.name);
        }
        if (typeof message.reasoning_content === "string" && message.reasoning_content !== "")
          converted.thinking = message.reasoning_content;
        break;
      }
      case "tool": {
        const name =
          typeof message.tool_call_id === "string" ? toolNames.get(message.tool_call_id) : undefined;
        const toolName = name ?? (typeof message.name === "string" ? message.name : undefined);
        if (toolName !== undefined) converted.tool_name = toolName;
        break;
      }
      case "function":
        converted.role = "tool";
        if (typeof message.name === "string") converted.tool_name = message.name;
        break;
      default:
        throw refuse(`messages[${index}] has a role Ollama does not know: ${String(message.role)}`, model);
    }
    return converted;
  });
}
