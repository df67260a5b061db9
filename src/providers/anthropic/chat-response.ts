import { InternalServerError } from "../../errors/index.js";
import type { ChatCompletion, ChatCompletionChoice, ToolCall, Usage } from "../../openai/types.js";
import type { RepairContext } from "../types.js";
import {
  type AnthropicMessagesResponse,
  type AnthropicUsage,
  countOf,
  isRecord,
  RESPONSE_FORMAT_TOOL_NAME,
} from "./wire.js";

/** Anthropic's `stop_reason` -> OpenAI's `finish_reason`. */
const FINISH_REASONS: Readonly<Record<string, string>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

export function toOpenAIFinishReason(stopReason: string | null | undefined): string {
  return (stopReason === null || stopReason === undefined ? undefined : FINISH_REASONS[stopReason]) ?? "stop";
}

/**
 * Anthropic's usage -> OpenAI's: the prompt counts every input token, cached or not
 * (`input_tokens` + cache reads + cache writes); `prompt_tokens_details.cached_tokens` is the cache
 * reads. Both cache counts are kept by their Anthropic names too (as LiteLLM does): cache writes
 * are priced apart.
 */
export function toOpenAIUsage(usage: AnthropicUsage | undefined): Usage {
  const cacheRead = countOf(usage?.cache_read_input_tokens);
  const cacheCreation = countOf(usage?.cache_creation_input_tokens);
  const prompt = countOf(usage?.input_tokens) + cacheRead + cacheCreation;
  const completion = countOf(usage?.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
  };
}

/**
 * Whether a `json_tool_call` tool_use is the answer to `response_format` rather than a tool call:
 * when the body sent had that tool (toAnthropicRequest adds it only for a response_format).
 */
export function hasResponseFormatTool(sent: Record<string, unknown>): boolean {
  return (
    Array.isArray(sent.tools) &&
    sent.tools.some((tool) => isRecord(tool) && tool.name === RESPONSE_FORMAT_TOOL_NAME)
  );
}

/** Thinking blocks as LiteLLM exposes them: what a client sends back with its next turn. */
export type ThinkingBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string };

function notAMessage(what: string, call: RepairContext): InternalServerError {
  return new InternalServerError({
    message: `anthropic answered with ${what}, not a message`,
    provider: call.target.providerId,
    model: call.target.model,
  });
}

/** The message of an answer: text, tool calls, thinking, and whether only the JSON tool answered. */
function readContent(body: AnthropicMessagesResponse, isJsonMode: boolean, call: RepairContext) {
  if (!Array.isArray(body.content)) throw notAMessage("no content array", call);
  let text = "";
  let hasText = false;
  let reasoning = "";
  const toolCalls: ToolCall[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  for (const block of body.content) {
    if (!isRecord(block)) continue;
    if (block.type === "text" && typeof block.text === "string") {
      text += block.text;
      hasText = true;
    } else if (block.type === "tool_use" && isJsonMode && block.name === RESPONSE_FORMAT_TOOL_NAME) {
      text += JSON.stringify(block.input ?? {});
      hasText = true;
    } else if (block.type === "tool_use" && typeof block.name === "string") {
      const id = typeof block.id === "string" ? block.id : `toolu_${toolCalls.length}`;
      const args = JSON.stringify(block.input ?? {});
      toolCalls.push({ id, type: "function", function: { name: block.name, arguments: args } });
    } else if (block.type === "thinking" && typeof block.thinking === "string") {
      reasoning += block.thinking;
      const signature = typeof block.signature === "string" ? block.signature : "";
      thinkingBlocks.push({ type: "thinking", thinking: block.thinking, signature });
    } else if (block.type === "redacted_thinking" && typeof block.data === "string") {
      thinkingBlocks.push({ type: "redacted_thinking", data: block.data });
    }
  }
  return { text, hasText, reasoning, toolCalls, thinkingBlocks };
}

/**
 * An Anthropic Messages answer -> an OpenAI chat completion: text blocks joined as `content`,
 * tool_use blocks as `tool_calls` (input -> JSON `arguments`), thinking as `reasoning_content` (and
 * `thinking_blocks`, signatures kept), the stop reason and usage mapped. The `json_tool_call` tool a
 * response_format asked for is the content instead, and then finishes with "stop".
 */
export function fromAnthropicResponse(body: unknown, call: RepairContext): ChatCompletion {
  if (!isRecord(body)) throw notAMessage("a body that is not an object", call);
  const answer = body as AnthropicMessagesResponse;
  const content = readContent(answer, hasResponseFormatTool(call.sent), call);
  const message: ChatCompletionChoice["message"] = {
    role: "assistant",
    content: content.hasText || content.toolCalls.length === 0 ? content.text : null,
    refusal: null,
  };
  if (content.toolCalls.length > 0) message.tool_calls = content.toolCalls;
  if (content.reasoning !== "") message.reasoning_content = content.reasoning;
  if (content.thinkingBlocks.length > 0) message.thinking_blocks = content.thinkingBlocks;
  const finishReason =
    answer.stop_reason === "tool_use" && content.toolCalls.length === 0
      ? "stop"
      : toOpenAIFinishReason(answer.stop_reason);
  return {
    id: typeof answer.id === "string" ? answer.id : `chatcmpl-${Date.now()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: typeof answer.model === "string" && answer.model !== "" ? answer.model : call.target.model,
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
    usage: toOpenAIUsage(answer.usage),
  };
}
