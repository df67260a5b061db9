import type { ChatCompletion } from "../../openai/types.js";
import { toAnthropicUsage } from "./usage.js";
import type { ContentBlock, Message, StopReason } from "./wire.js";

/** Our message id for a chat completion id: `msg_` + the id (Anthropic clients expect the prefix). */
export function toMessageId(id: unknown): string {
  const text =
    typeof id === "string" && id !== ""
      ? id
      : `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  return text.startsWith("msg_") ? text : `msg_${text.replace(/^chatcmpl-/, "")}`;
}

/**
 * A chat finish reason -> Anthropic's stop reason. A stop sequence is reported when the server
 * says which one matched (vLLM's `stop_reason`) and it is one the client asked for.
 */
export function toStopReason(
  finishReason: string | null | undefined,
  matched: unknown,
  stopSequences: readonly string[] | undefined,
  hasToolCalls: boolean,
): { stopReason: StopReason | null; stopSequence: string | null } {
  if (hasToolCalls || finishReason === "tool_calls" || finishReason === "function_call")
    return { stopReason: "tool_use", stopSequence: null };
  if (finishReason === "length") return { stopReason: "max_tokens", stopSequence: null };
  if (finishReason === "content_filter") return { stopReason: "refusal", stopSequence: null };
  if (typeof matched === "string" && stopSequences?.includes(matched) === true)
    return { stopReason: "stop_sequence", stopSequence: matched };
  if (finishReason === null || finishReason === undefined) return { stopReason: null, stopSequence: null };
  return { stopReason: "end_turn", stopSequence: null };
}

/** Tool arguments as an object: Anthropic's `input`. Arguments that are not a JSON object keep their text. */
export function parseToolInput(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
    return { value: parsed };
  } catch {
    return { arguments: text };
  }
}

/** The reasoning text of a chat message or delta: `reasoning_content` (DeepSeek, vLLM) or `reasoning` (OpenRouter, Ollama). */
export function reasoningOf(message: Record<string, unknown> | undefined): string | undefined {
  const value = message?.reasoning_content ?? message?.reasoning;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A chat completion -> an Anthropic `message`: thinking, text, then tool_use blocks. */
export function toAnthropicMessage(completion: ChatCompletion, stopSequences?: readonly string[]): Message {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: ContentBlock[] = [];
  const thinking = reasoningOf(message);
  if (thinking !== undefined) content.push({ type: "thinking", thinking, signature: "" });
  if (typeof message?.content === "string" && message.content !== "")
    content.push({ type: "text", text: message.content });
  for (const call of message?.tool_calls ?? []) {
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: parseToolInput(call.function.arguments ?? ""),
    });
  }
  const { stopReason, stopSequence } = toStopReason(
    choice?.finish_reason,
    choice?.stop_reason,
    stopSequences,
    (message?.tool_calls?.length ?? 0) > 0,
  );
  return {
    id: toMessageId(completion.id),
    type: "message",
    role: "assistant",
    content,
    model: completion.model,
    stop_reason: stopReason ?? "end_turn",
    stop_sequence: stopSequence,
    usage: toAnthropicUsage(completion.usage),
  };
}
