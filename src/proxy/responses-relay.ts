import type { FastifyRequest } from "fastify";
import { createResponseEventTransformer, randomIdSource } from "../dialects/responses/index.js";
import type { ResponseObject, ResponseStreamEvent, ResponsesRequest } from "../openai/responses.js";
import { chunkBatches } from "../sdk/chunk-batches.js";
import type { ChunkStream } from "../sdk/types.js";
import { toLlmgateError } from "./hooks/errors.js";
import type { SseWriter } from "./sse-writer.js";

export interface ResponsesRelayResult {
  /** The final response (response.completed, .incomplete or .failed), when one came. */
  response: ResponseObject | undefined;
  status: number;
  errorCode: string | undefined;
  /** Text characters relayed, to estimate tokens when no usage came. */
  textCharacters: number;
}

export interface ResponsesRelayOptions {
  request: ResponsesRequest;
  bodyLimitBytes: number;
  /** Applied to every response object an event carries (previous_response_id as the client sent it). */
  patchResponse(response: ResponseObject): void;
  /** Runs with the final response before its event leaves: a stored response is there for the next turn. */
  onFinal(response: ResponseObject): Promise<void>;
  /** Ends the response (no `[DONE]`: Responses streams end with their final event). */
  end(): void;
}

const FINAL_EVENTS: ReadonlySet<string> = new Set([
  "response.completed",
  "response.incomplete",
  "response.failed",
]);

function responseOf(event: ResponseStreamEvent): ResponseObject | undefined {
  const response = event.response;
  return typeof response === "object" && response !== null ? (response as ResponseObject) : undefined;
}

function encode(event: ResponseStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Relays Responses events as SSE (`event: <type>` + `data:`), one socket write per upstream read,
 * with backpressure. A failure after the first byte becomes response.failed, numbered after the
 * last event sent, and the stream ends (Responses streams have no `[DONE]`).
 */
export async function relayResponsesStream(
  stream: ChunkStream<ResponseStreamEvent>,
  writer: SseWriter,
  httpRequest: FastifyRequest,
  options: ResponsesRelayOptions,
): Promise<ResponsesRelayResult> {
  const result: ResponsesRelayResult = {
    response: undefined,
    status: 200,
    errorCode: undefined,
    textCharacters: 0,
  };
  let lastSequence = -1;
  let latest: ResponseObject | undefined;
  const batches = chunkBatches(stream);
  try {
    for await (const batch of { [Symbol.asyncIterator]: () => batches }) {
      if (!writer.isOpen) break;
      let events = "";
      for (const event of batch) {
        const response = responseOf(event);
        if (response !== undefined) {
          options.patchResponse(response);
          latest = response;
          if (FINAL_EVENTS.has(event.type)) {
            result.response = response;
            await options.onFinal(response);
          }
        }
        if (typeof event.delta === "string") result.textCharacters += event.delta.length;
        if (typeof event.sequence_number === "number") lastSequence = event.sequence_number;
        events += encode(event);
      }
      if (events !== "") await writer.write(events);
    }
    if (!writer.isOpen) {
      result.status = 499;
      result.errorCode = "client_closed_request";
    }
    if (writer.isOpen) options.end();
  } catch (error) {
    const mapped = toLlmgateError(error, options.bodyLimitBytes);
    result.status = writer.isOpen ? mapped.status : 499;
    result.errorCode = writer.isOpen ? (mapped.code ?? undefined) : "client_closed_request";
    if (!writer.isOpen) return result;
    httpRequest.log.warn({ status: mapped.status, message: mapped.message }, "upstream stream failed");
    const failed = failedEvents(options, latest, lastSequence, mapped.message);
    const final = responseOf(failed[failed.length - 1] as ResponseStreamEvent);
    if (final !== undefined) {
      result.response = final;
      await options.onFinal(final).catch(() => undefined);
    }
    await writer.write(failed.map(encode).join(""));
    options.end();
  }
  return result;
}

/** response.failed for a stream that broke: on the last response seen, else from a fresh start. */
function failedEvents(
  options: ResponsesRelayOptions,
  latest: ResponseObject | undefined,
  lastSequence: number,
  message: string,
): ResponseStreamEvent[] {
  const error = { code: "server_error", message };
  if (latest === undefined) {
    const events = createResponseEventTransformer(options.request, randomIdSource).fail(error);
    for (const event of events) {
      const response = responseOf(event);
      if (response !== undefined) options.patchResponse(response);
    }
    return events;
  }
  const response: ResponseObject = { ...latest, status: "failed", error };
  return [{ type: "response.failed", sequence_number: lastSequence + 1, response }];
}
