import type { ChatCompletionChunk, Usage as ChatUsage } from "../../openai/types.js";
import { reasoningOf, toMessageId, toStopReason } from "./from-chat-response.js";
import { toAnthropicUsage } from "./usage.js";
import type { ContentBlock, StopReason, StreamEvent } from "./wire.js";

interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

type BlockKind = "text" | "thinking" | "tool_use";

export interface ChatToAnthropicEvents {
  push(chunk: ChatCompletionChunk): StreamEvent[];
  /** After the last chunk: closes the open block, then message_delta and message_stop. */
  flush(): StreamEvent[];
}

export interface EventTransformerOptions {
  /** The stop sequences asked for, to report `stop_sequence` when the server names the match. */
  stopSequences?: readonly string[] | undefined;
}

/**
 * Chat completion chunks -> Anthropic's event sequence: message_start (with a ping after it), then
 * per block content_block_start / content_block_delta / content_block_stop, then message_delta
 * (stop reason, usage) and message_stop. Reasoning text becomes a thinking block, tool call
 * fragments a tool_use block with input_json_delta events. A plain stateful object (STYLE.md 7).
 */
export function createAnthropicEventTransformer(
  options: EventTransformerOptions = {},
): ChatToAnthropicEvents {
  let isStarted = false;
  let isFlushed = false;
  let nextIndex = 0;
  let open: { index: number; kind: BlockKind; toolIndex?: number } | undefined;
  let finishReason: string | null = null;
  let matchedStop: unknown;
  let hasToolCalls = false;
  let usage: ChatUsage | undefined;

  function start(chunk: ChatCompletionChunk | undefined, events: StreamEvent[]): void {
    if (isStarted) return;
    isStarted = true;
    events.push(
      {
        type: "message_start",
        message: {
          id: toMessageId(chunk?.id),
          type: "message",
          role: "assistant",
          content: [],
          model: typeof chunk?.model === "string" ? chunk.model : "",
          stop_reason: null,
          stop_sequence: null,
          usage: toAnthropicUsage(chunk?.usage ?? undefined),
        },
      },
      { type: "ping" },
    );
  }
  function close(events: StreamEvent[]): void {
    if (open === undefined) return;
    events.push({ type: "content_block_stop", index: open.index });
    open = undefined;
  }
  function openBlock(
    kind: BlockKind,
    block: ContentBlock,
    events: StreamEvent[],
    toolIndex?: number,
  ): number {
    close(events);
    const index = nextIndex++;
    open = toolIndex === undefined ? { index, kind } : { index, kind, toolIndex };
    events.push({ type: "content_block_start", index, content_block: block });
    return index;
  }
  function blockFor(kind: "text" | "thinking", events: StreamEvent[]): number {
    if (open?.kind === kind) return open.index;
    const block: ContentBlock =
      kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    return openBlock(kind, block, events);
  }
  function pushToolCall(call: ToolCallDelta, events: StreamEvent[]): void {
    const toolIndex = call.index ?? 0;
    const isNew = open?.kind !== "tool_use" || open.toolIndex !== toolIndex;
    if (isNew && typeof call.id === "string" && call.id !== "") {
      hasToolCalls = true;
      const block: ContentBlock = {
        type: "tool_use",
        id: call.id,
        name: call.function?.name ?? "",
        input: {},
      };
      openBlock("tool_use", block, events, toolIndex);
    } else if (isNew) return; // A fragment of a call that is no longer open: Anthropic cannot reopen a block.
    const fragment = call.function?.arguments;
    if (typeof fragment === "string" && fragment !== "" && open !== undefined) {
      events.push({
        type: "content_block_delta",
        index: open.index,
        delta: { type: "input_json_delta", partial_json: fragment },
      });
    }
  }
  return {
    push(chunk) {
      const events: StreamEvent[] = [];
      start(chunk, events);
      if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
      for (const choice of chunk.choices ?? []) {
        if (choice.index !== 0 && choice.index !== undefined) continue;
        const delta = choice.delta ?? {};
        const thinking = reasoningOf(delta);
        if (thinking !== undefined) {
          const index = blockFor("thinking", events);
          events.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } });
        }
        if (typeof delta.content === "string" && delta.content !== "") {
          const index = blockFor("text", events);
          events.push({
            type: "content_block_delta",
            index,
            delta: { type: "text_delta", text: delta.content },
          });
        }
        for (const call of (delta.tool_calls ?? []) as ToolCallDelta[]) pushToolCall(call, events);
        if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
          finishReason = choice.finish_reason;
          matchedStop = choice.stop_reason;
        }
      }
      return events;
    },
    flush() {
      if (isFlushed) return [];
      isFlushed = true;
      const events: StreamEvent[] = [];
      start(undefined, events);
      close(events);
      const { stopReason, stopSequence } = toStopReason(
        finishReason,
        matchedStop,
        options.stopSequences,
        hasToolCalls,
      );
      const reason: StopReason = stopReason ?? "end_turn";
      events.push(
        {
          type: "message_delta",
          delta: { stop_reason: reason, stop_sequence: stopSequence },
          usage: toAnthropicUsage(usage),
        },
        { type: "message_stop" },
      );
      return events;
    },
  };
}
