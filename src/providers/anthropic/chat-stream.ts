import { InternalServerError } from "../../errors/index.js";
import type { ChatCompletionChunk, ChatCompletionChunkChoice } from "../../openai/types.js";
import type { RepairContext, StreamTransformer } from "../types.js";
import { hasResponseFormatTool, toOpenAIFinishReason, toOpenAIUsage } from "./chat-response.js";
import { mapAnthropicError } from "./errors.js";
import { type AnthropicUsage, INCLUDE_STREAM_USAGE, isRecord, RESPONSE_FORMAT_TOOL_NAME } from "./wire.js";

type Delta = ChatCompletionChunkChoice["delta"];

/** What a content block of the stream is, by its index. */
type BlockState =
  | { kind: "text" | "json" | "thinking" | "other" }
  | { kind: "tool"; toolIndex: number; hasArguments: boolean };

/** Usage counts: message_start's, then each message_delta's (cumulative) where it gives them. */
function mergeUsage(into: AnthropicUsage, from: unknown): void {
  if (!isRecord(from)) return;
  for (const key of [
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
  ] as const) {
    const value = from[key];
    if (typeof value === "number") into[key] = value;
  }
}

/**
 * Anthropic's stream events (message_start, content_block_start / _delta / _stop, message_delta,
 * message_stop, ping, error) -> OpenAI chunks, as they come: the first chunk has the assistant role;
 * text_delta is content, input_json_delta tool-call argument pieces (or content, for the
 * response_format tool), thinking_delta `reasoning_content` (and `thinking_blocks`, with
 * signature_delta); message_delta brings the finish reason. With `stream_options.include_usage`, a
 * last chunk with no choices carries the usage.
 */
export function createAnthropicStreamTransformer(
  call: RepairContext,
): StreamTransformer<ChatCompletionChunk> {
  const { target, sent } = call;
  const includeUsage = (sent as { [INCLUDE_STREAM_USAGE]?: unknown })[INCLUDE_STREAM_USAGE] === true;
  const isJsonMode = hasResponseFormatTool(sent);
  const blocks = new Map<number, BlockState>();
  const usage: AnthropicUsage = {};
  let id = `chatcmpl-${Date.now()}`;
  let model = target.model;
  const created = Math.floor(Date.now() / 1000);
  let toolCount = 0;
  let hasStarted = false;
  let hasFinished = false;
  let hasStopped = false;

  const chunk = (delta: Delta, finishReason: string | null = null): ChatCompletionChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  });
  const toolDelta = (toolCall: Record<string, unknown>): ChatCompletionChunk =>
    chunk({ tool_calls: [toolCall] });
  const finish = (stopReason: unknown): ChatCompletionChunk => {
    hasFinished = true;
    const reason = typeof stopReason === "string" ? stopReason : undefined;
    return chunk({}, reason === "tool_use" && toolCount === 0 ? "stop" : toOpenAIFinishReason(reason));
  };

  function startMessage(event: Record<string, unknown>): ChatCompletionChunk[] {
    const message = isRecord(event.message) ? event.message : {};
    if (typeof message.id === "string") id = message.id;
    if (typeof message.model === "string" && message.model !== "") model = message.model;
    mergeUsage(usage, message.usage);
    hasStarted = true;
    return [chunk({ role: "assistant", content: "" })];
  }

  function startBlock(index: number, block: Record<string, unknown>): ChatCompletionChunk[] {
    switch (block.type) {
      case "text":
        blocks.set(index, { kind: "text" });
        return typeof block.text === "string" && block.text !== "" ? [chunk({ content: block.text })] : [];
      case "tool_use": {
        if (isJsonMode && block.name === RESPONSE_FORMAT_TOOL_NAME) {
          blocks.set(index, { kind: "json" });
          return [];
        }
        const toolIndex = toolCount++;
        blocks.set(index, { kind: "tool", toolIndex, hasArguments: false });
        const name = typeof block.name === "string" ? block.name : "";
        const toolId = typeof block.id === "string" ? block.id : `toolu_${toolIndex}`;
        return [
          toolDelta({ index: toolIndex, id: toolId, type: "function", function: { name, arguments: "" } }),
        ];
      }
      case "thinking":
        blocks.set(index, { kind: "thinking" });
        return typeof block.thinking === "string" && block.thinking !== ""
          ? [thinkingChunk(block.thinking)]
          : [];
      case "redacted_thinking":
        blocks.set(index, { kind: "other" });
        return [chunk({ thinking_blocks: [{ type: "redacted_thinking", data: block.data }] })];
      default:
        blocks.set(index, { kind: "other" });
        return [];
    }
  }

  function thinkingChunk(thinking: string): ChatCompletionChunk {
    return chunk({ reasoning_content: thinking, thinking_blocks: [{ type: "thinking", thinking }] });
  }

  function blockDelta(index: number, delta: Record<string, unknown>): ChatCompletionChunk[] {
    const block = blocks.get(index);
    switch (delta.type) {
      case "text_delta":
        return typeof delta.text === "string" && delta.text !== "" ? [chunk({ content: delta.text })] : [];
      case "input_json_delta": {
        const piece = typeof delta.partial_json === "string" ? delta.partial_json : "";
        if (piece === "" || block === undefined) return [];
        if (block.kind === "json") return [chunk({ content: piece })];
        if (block.kind !== "tool") return [];
        block.hasArguments = true;
        return [toolDelta({ index: block.toolIndex, function: { arguments: piece } })];
      }
      case "thinking_delta":
        return typeof delta.thinking === "string" && delta.thinking !== ""
          ? [thinkingChunk(delta.thinking)]
          : [];
      case "signature_delta":
        return typeof delta.signature === "string"
          ? [chunk({ thinking_blocks: [{ type: "thinking", thinking: "", signature: delta.signature }] })]
          : [];
      default:
        return [];
    }
  }

  /** A tool called without arguments still gets `{}`, as a non-streamed answer has. */
  function stopBlock(index: number): ChatCompletionChunk[] {
    const block = blocks.get(index);
    if (block?.kind !== "tool" || block.hasArguments) return [];
    return [toolDelta({ index: block.toolIndex, function: { arguments: "{}" } })];
  }

  function stopMessage(): ChatCompletionChunk[] {
    hasStopped = true;
    const chunks = hasFinished ? [] : [finish(undefined)];
    if (includeUsage)
      chunks.push({
        id,
        object: "chat.completion.chunk",
        created,
        model,
        choices: [],
        usage: toOpenAIUsage(usage),
      });
    return chunks;
  }

  return {
    push(event) {
      if (!isRecord(event)) return [];
      const index = typeof event.index === "number" ? event.index : -1;
      switch (event.type) {
        case "message_start":
          return startMessage(event);
        case "content_block_start":
          return startBlock(index, isRecord(event.content_block) ? event.content_block : {});
        case "content_block_delta":
          return blockDelta(index, isRecord(event.delta) ? event.delta : {});
        case "content_block_stop":
          return stopBlock(index);
        case "message_delta":
          mergeUsage(usage, event.usage);
          return [finish(isRecord(event.delta) ? event.delta.stop_reason : undefined)];
        case "message_stop":
          return stopMessage();
        case "error":
          throw mapAnthropicError({ status: 500, body: event, headers: {}, target });
        default:
          return []; // ping, and event types added after this was written
      }
    },
    flush() {
      if (hasStarted && !hasStopped) {
        throw new InternalServerError({
          message: "the anthropic stream ended before message_stop: the answer is incomplete",
          provider: target.providerId,
          model: target.model,
        });
      }
      return [];
    },
  };
}
