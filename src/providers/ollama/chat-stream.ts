import { InternalServerError } from "../../errors/index.js";
import type { ChatCompletionChunk, ChatCompletionChunkChoice } from "../../openai/types.js";
import type { RepairContext, StreamTransformer } from "../types.js";
import {
  createdOf,
  newCompletionId,
  toOpenAIFinishReason,
  toOpenAIToolCall,
  toOpenAIUsage,
} from "./chat-response.js";
import { mapOllamaError } from "./errors.js";
import { createThinkTagSplitter } from "./think-tags.js";
import { INCLUDE_STREAM_USAGE, isRecord } from "./wire.js";

type Delta = ChatCompletionChunkChoice["delta"];

/** The text, thinking and tool calls of one line: /api/chat's `message`, or /api/generate's `response`. */
function partsOf(line: Record<string, unknown>): { content: string; thinking: string; toolCalls: unknown[] } {
  const source = isRecord(line.message) ? line.message : line;
  const content = isRecord(line.message) ? source.content : source.response;
  return {
    content: typeof content === "string" ? content : "",
    thinking: typeof source.thinking === "string" ? source.thinking : "",
    toolCalls: Array.isArray(source.tool_calls) ? source.tool_calls : [],
  };
}

/**
 * Ollama's NDJSON lines (from /api/chat or /api/generate) -> OpenAI chunks, as they come: the first
 * chunk has the assistant role; `thinking` is `reasoning_content`; each tool call (Ollama sends it
 * whole) is one delta with its index, id, name and all its arguments as JSON; the `done` line gives
 * the finish reason and, with `stream_options.include_usage`, a last chunk without choices carrying
 * the counts. An `{"error": ...}` line is thrown as our error.
 */
export function createOllamaChatStreamTransformer(
  call: RepairContext,
): StreamTransformer<ChatCompletionChunk> {
  const { target, sent } = call;
  const includeUsage = (sent as { [INCLUDE_STREAM_USAGE]?: unknown })[INCLUDE_STREAM_USAGE] === true;
  const id = newCompletionId("chatcmpl-");
  let created: number | undefined;
  let model = target.model;
  let toolCount = 0;
  let hasStarted = false;
  let isDone = false;
  const splitter = createThinkTagSplitter();

  const chunk = (delta: Delta, finishReason: string | null = null): ChatCompletionChunk => ({
    id,
    object: "chat.completion.chunk",
    created: created ?? createdOf(undefined),
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  });

  function deltasOf(line: Record<string, unknown>): ChatCompletionChunk[] {
    const { content: text, thinking, toolCalls } = partsOf(line);
    const split = splitter.push(text);
    if (line.done === true) {
      const rest = splitter.flush();
      split.content += rest.content;
      split.reasoning += rest.reasoning;
    }
    const chunks: ChatCompletionChunk[] = [];
    const first: Delta = hasStarted ? {} : { role: "assistant", content: "" };
    hasStarted = true;
    const reasoning = thinking + split.reasoning;
    if (reasoning !== "") first.reasoning_content = reasoning;
    if (split.content !== "") first.content = split.content;
    if (Object.keys(first).length > 0) chunks.push(chunk(first));
    for (const toolCall of toolCalls) {
      const converted = toOpenAIToolCall(toolCall);
      if (converted === undefined) continue;
      chunks.push(chunk({ tool_calls: [{ index: toolCount++, ...converted }] }));
    }
    return chunks;
  }

  function finish(line: Record<string, unknown>): ChatCompletionChunk[] {
    isDone = true;
    const chunks = [chunk({}, toOpenAIFinishReason(line.done_reason, toolCount > 0))];
    if (includeUsage) {
      chunks.push({
        id,
        object: "chat.completion.chunk",
        created: created ?? createdOf(undefined),
        model,
        choices: [],
        usage: toOpenAIUsage(line),
      });
    }
    return chunks;
  }

  return {
    push(event) {
      if (!isRecord(event) || isDone) return [];
      if (event.error !== undefined && event.error !== null)
        throw mapOllamaError({ status: 500, body: event, headers: {}, target });
      created ??= createdOf(event.created_at);
      if (typeof event.model === "string" && event.model !== "") model = event.model;
      const chunks = deltasOf(event);
      return event.done === true ? [...chunks, ...finish(event)] : chunks;
    },
    flush() {
      if (hasStarted && !isDone) {
        throw new InternalServerError({
          message: `the ${target.providerId} stream ended before its done line: the answer is incomplete`,
          provider: target.providerId,
          model: target.model,
        });
      }
      return [];
    },
  };
}
