import { InternalServerError } from "../../errors/index.js";
import type { ChatCompletionChunk, ChatCompletionChunkChoice, Usage } from "../../openai/types.js";
import type { RepairContext, StreamTransformer } from "../types.js";
import { callStateOf } from "./chat-request.js";
import { newCompletionId, toFinishReason, toUsage } from "./chat-response.js";
import { asString, type ConverseStreamEvents, isRecord } from "./wire.js";

type Delta = ChatCompletionChunkChoice["delta"];

interface StreamState {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
  jsonToolName: string | undefined;
  hasStarted: boolean;
  /** contentBlockIndex -> the tool call's index among the stream's tool calls. */
  toolIndexByBlock: Map<number, number>;
  /** contentBlockIndex of the response_format tool, whose input pieces are content. */
  jsonBlocks: Set<number>;
  hasToolCalls: boolean;
  finishReason: string | undefined;
  usage: Usage | undefined;
}

function blockIndexOf(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

/** The event's payload: `{"<event type>": payload}` as the event-stream decoder gives it. */
function payloadOf(
  event: unknown,
  eventName: string | undefined,
): { name: string; payload: Record<string, unknown> } {
  if (!isRecord(event)) return { name: "", payload: {} };
  const name = eventName !== undefined && eventName in event ? eventName : (Object.keys(event)[0] ?? "");
  const payload = event[name];
  return { name, payload: isRecord(payload) ? payload : {} };
}

function chunk(state: StreamState, delta: Delta, finishReason: string | null = null): ChatCompletionChunk {
  return {
    id: state.id,
    object: "chat.completion.chunk",
    created: state.created,
    model: state.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
}

/** The first chunk says who speaks; later ones only what changed. */
function withRole(state: StreamState, delta: Delta): Delta {
  if (state.hasStarted) return delta;
  state.hasStarted = true;
  return { role: "assistant", ...delta };
}

function onBlockStart(
  state: StreamState,
  payload: ConverseStreamEvents["contentBlockStart"],
): ChatCompletionChunk[] {
  const toolUse = isRecord(payload.start) ? payload.start.toolUse : undefined;
  if (!isRecord(toolUse)) return [];
  const blockIndex = blockIndexOf(payload.contentBlockIndex);
  const name = asString(toolUse.name) ?? "";
  if (state.jsonToolName !== undefined && name === state.jsonToolName && state.jsonBlocks.size === 0) {
    state.jsonBlocks.add(blockIndex);
    return [];
  }
  const index = state.toolIndexByBlock.size;
  state.toolIndexByBlock.set(blockIndex, index);
  state.hasToolCalls = true;
  const call = {
    index,
    id: asString(toolUse.toolUseId) ?? "",
    type: "function",
    function: { name, arguments: "" },
  };
  return [chunk(state, withRole(state, { tool_calls: [call] }))];
}

function onBlockDelta(
  state: StreamState,
  payload: ConverseStreamEvents["contentBlockDelta"],
): ChatCompletionChunk[] {
  const delta = isRecord(payload.delta) ? payload.delta : {};
  const blockIndex = blockIndexOf(payload.contentBlockIndex);
  if (typeof delta.text === "string") return [chunk(state, withRole(state, { content: delta.text }))];
  const toolUse = delta.toolUse;
  if (isRecord(toolUse) && typeof toolUse.input === "string") {
    if (state.jsonBlocks.has(blockIndex)) return [chunk(state, withRole(state, { content: toolUse.input }))];
    const index = state.toolIndexByBlock.get(blockIndex);
    if (index === undefined) return [];
    return [
      chunk(state, withRole(state, { tool_calls: [{ index, function: { arguments: toolUse.input } }] })),
    ];
  }
  const reasoning = delta.reasoningContent;
  if (!isRecord(reasoning)) return [];
  if (typeof reasoning.text === "string")
    return [chunk(state, withRole(state, { reasoning_content: reasoning.text }))];
  if (typeof reasoning.signature === "string")
    return [
      chunk(
        state,
        withRole(state, {
          thinking_blocks: [{ type: "thinking", thinking: "", signature: reasoning.signature }],
        }),
      ),
    ];
  if (typeof reasoning.redactedContent === "string")
    return [
      chunk(
        state,
        withRole(state, {
          thinking_blocks: [{ type: "redacted_thinking", data: reasoning.redactedContent }],
        }),
      ),
    ];
  return [];
}

function onMessageStop(
  state: StreamState,
  payload: ConverseStreamEvents["messageStop"],
): ChatCompletionChunk[] {
  let reason = toFinishReason(payload.stopReason);
  if (reason === "tool_calls" && !state.hasToolCalls) reason = "stop";
  state.finishReason = reason;
  return [chunk(state, withRole(state, {}), reason)];
}

function onMetadata(state: StreamState, payload: ConverseStreamEvents["metadata"]): ChatCompletionChunk[] {
  state.usage = toUsage(payload.usage);
  if (!state.includeUsage) return [];
  return [
    {
      id: state.id,
      object: "chat.completion.chunk",
      created: state.created,
      model: state.model,
      choices: [],
      usage: state.usage,
    },
  ];
}

/**
 * ConverseStream events -> chat.completion.chunks as they come: messageStart gives the role,
 * text deltas content, toolUse starts and input pieces tool-call deltas (index, id, name, then
 * argument pieces), reasoning deltas `reasoning_content`, messageStop the finish reason, metadata
 * the usage chunk (only with stream_options.include_usage). A stream that ends before messageStop
 * was cut short: an error, not a shorter answer.
 */
export function createConverseStreamTransformer({
  target,
  sent,
}: RepairContext): StreamTransformer<ChatCompletionChunk> {
  const call = callStateOf(sent);
  const state: StreamState = {
    id: newCompletionId(),
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    includeUsage: call.includeUsage,
    jsonToolName: call.jsonToolName,
    hasStarted: false,
    toolIndexByBlock: new Map(),
    jsonBlocks: new Set(),
    hasToolCalls: false,
    finishReason: undefined,
    usage: undefined,
  };
  return {
    push(event, eventName) {
      const { name, payload } = payloadOf(event, eventName);
      switch (name) {
        case "messageStart":
          return state.hasStarted ? [] : [chunk(state, withRole(state, { content: "" }))];
        case "contentBlockStart":
          return onBlockStart(state, payload);
        case "contentBlockDelta":
          return onBlockDelta(state, payload);
        case "messageStop":
          return onMessageStop(state, payload);
        case "metadata":
          return onMetadata(state, payload);
        default:
          return [];
      }
    },
    flush() {
      if (state.finishReason === undefined)
        throw new InternalServerError({
          message: "bedrock's stream ended before its messageStop event",
          provider: target.providerId,
          model: target.model,
        });
      return [];
    },
  };
}
