import type { CallContext } from "../../sdk/call.js";
import type { ChunkStream } from "../../sdk/types.js";
import { callMessages, type MessagesParams } from "./call.js";
import type { Message, StreamEvent } from "./wire.js";

type Streaming = { stream: true };
type NotStreaming = { stream?: false | undefined };

/**
 * An Anthropic Messages call to any provider (`provider/model`, with completion()'s routing fields):
 * an Anthropic `message`, or with `stream: true` an async iterable of Anthropic stream events.
 * Anthropic-family models get the body natively; every other model through chat completions.
 */
export function anthropicMessages(
  params: MessagesParams & Streaming,
  context?: CallContext,
): Promise<ChunkStream<StreamEvent>>;
export function anthropicMessages(
  params: MessagesParams & NotStreaming,
  context?: CallContext,
): Promise<Message>;
export function anthropicMessages(
  params: MessagesParams,
  context?: CallContext,
): Promise<Message | ChunkStream<StreamEvent>>;
export async function anthropicMessages(
  params: MessagesParams,
  context?: CallContext,
): Promise<Message | ChunkStream<StreamEvent>> {
  const result = await callMessages(params, context);
  return result.kind === "stream" ? result.stream : result.data;
}
