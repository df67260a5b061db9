import { BadRequestError } from "../../errors/index.js";
import type { ChatMessage, ToolCall } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { textOf, toGeminiParts } from "./chat-content.js";
import { readThoughtSignature, withoutThoughtSignature } from "./tool-call-ids.js";
import { type GeminiContent, type GeminiPart, isRecord } from "./wire.js";

export interface GeminiConversation {
  /** The system and developer messages' parts, in order (empty when there are none). */
  system: GeminiPart[];
  contents: GeminiContent[];
}

function refuse(message: string, model: string): BadRequestError {
  return new BadRequestError({ message, param: "messages", model });
}

/** Tool call id -> function name, from every assistant message: what a tool result answers. */
function toolNamesById(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== "assistant" || !Array.isArray(message.tool_calls)) continue;
    for (const call of message.tool_calls) {
      if (isRecord(call) && typeof call.id === "string" && isRecord(call.function)) {
        names.set(call.id, String(call.function.name));
        // A client may answer with the id without the thought signature we put in it.
        names.set(withoutThoughtSignature(call.id), String(call.function.name));
      }
    }
  }
  return names;
}

/** `arguments` (a JSON string) -> Gemini's `args` object. */
function argsOf(call: ToolCall, model: string): Record<string, unknown> {
  const text = call.function.arguments;
  if (text === undefined || text === null || text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse(`tool call ${call.id}: function.arguments is not JSON`, model);
  }
  if (!isRecord(parsed)) throw refuse(`tool call ${call.id}: function.arguments is not a JSON object`, model);
  return parsed;
}

function assistantParts(message: ChatMessage, model: string): GeminiPart[] {
  const parts = toGeminiParts(message.content, model);
  for (const call of message.tool_calls ?? []) {
    const part: GeminiPart = { functionCall: { name: call.function.name, args: argsOf(call, model) } };
    const signature = readThoughtSignature(call.id);
    if (signature !== undefined) part.thoughtSignature = signature;
    parts.push(part);
  }
  return parts;
}

/** A tool result's content: a JSON object as it is, anything else as `{content: <text>}`. */
function responseOf(content: ChatMessage["content"]): Record<string, unknown> {
  const text = textOf(content);
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) return parsed;
  } catch {
    // plain text
  }
  return { content: text };
}

function toolResultPart(message: ChatMessage, names: Map<string, string>, model: string): GeminiPart {
  const id = message.tool_call_id;
  const name = message.role === "function" ? message.name : id === undefined ? undefined : names.get(id);
  if (name === undefined || name === "") {
    throw refuse(
      `the tool message with tool_call_id "${String(id)}" answers no tool call of an earlier assistant message`,
      model,
    );
  }
  return { functionResponse: { name, response: responseOf(message.content) } };
}

/** Adds parts as a turn of `role`, merged into the last turn when that has the same role (Gemini alternates). */
function addTurn(contents: GeminiContent[], role: GeminiContent["role"], parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last !== undefined && last.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

/**
 * OpenAI messages -> Gemini's `system_instruction` parts and `contents`: system and developer
 * messages go to the system instruction (or become user turns when the model takes no system
 * message), assistant turns are `model` turns (tool_calls as functionCall parts), tool results are
 * functionResponse parts of a user turn, named after the tool call they answer; consecutive turns
 * of one role are merged.
 */
export function toGeminiConversation(
  messages: readonly ChatMessage[],
  settings: TransformSettings,
  model: string,
): GeminiConversation {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const names = toolNamesById(messages);
  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        if (settings.supportsSystemMessage) system.push(...toGeminiParts(textOf(message.content), model));
        else addTurn(contents, "user", toGeminiParts(message.content, model));
        break;
      case "user":
        addTurn(contents, "user", toGeminiParts(message.content, model));
        break;
      case "assistant":
        addTurn(contents, "model", assistantParts(message, model));
        break;
      case "tool":
      case "function":
        addTurn(contents, "user", [toolResultPart(message, names, model)]);
        break;
      default:
        throw refuse(`a message with role "${String(message.role)}" cannot be sent to Gemini`, model);
    }
  }
  return { system, contents };
}
