import type { ResponseObject, ResponseStreamEvent } from "../../openai/responses.js";
import type { ChunkStream } from "../../sdk/types.js";
import { callResponses, type ResponsesCallContext, type ResponsesParams } from "./call.js";

type Streaming = { stream: true };
type NotStreaming = { stream?: false | null | undefined };

/**
 * OpenAI's Responses API toward any provider: natively for OpenAI itself, else through chat
 * completions. `stream: true` gives the Responses events (response.created ... response.completed).
 */
export function responses(
  params: ResponsesParams & Streaming,
  context?: ResponsesCallContext,
): Promise<ChunkStream<ResponseStreamEvent>>;
export function responses(
  params: ResponsesParams & NotStreaming,
  context?: ResponsesCallContext,
): Promise<ResponseObject>;
export function responses(
  params: ResponsesParams,
  context?: ResponsesCallContext,
): Promise<ResponseObject | ChunkStream<ResponseStreamEvent>>;
export async function responses(
  params: ResponsesParams,
  context?: ResponsesCallContext,
): Promise<ResponseObject | ChunkStream<ResponseStreamEvent>> {
  const result = await callResponses(params, context);
  return result.kind === "stream" ? result.stream : result.data;
}
