import type { FastifyRequest } from "fastify";
import type { Usage } from "../openai/types.js";
import { type ChunkStream, RAW_JSON } from "../sdk/types.js";
import { toLlmgateError } from "./hooks/errors.js";
import type { SseWriter } from "./sse-writer.js";

export interface RelayResult {
  usage: Usage | undefined;
  responseId: string | undefined;
  /** Text characters relayed, to estimate tokens when the upstream sent no usage. */
  completionCharacters: number;
  status: number;
  errorCode: string | undefined;
}

interface ChunkFields {
  id?: unknown;
  usage?: Usage | null;
  choices?: { delta?: { content?: unknown }; text?: unknown }[];
}

/**
 * Relays chunks as SSE, flushed one by one with backpressure, and reads usage on the way. When the
 * proxy asked for usage on the client's behalf (`hideUsageChunk`), the usage-only chunk is not sent.
 * An error after the first byte becomes one SSE error event.
 */
export async function relayStream(
  stream: ChunkStream<unknown>,
  writer: SseWriter,
  request: FastifyRequest,
  options: { hideUsageChunk: boolean; bodyLimitBytes: number },
): Promise<RelayResult> {
  const result: RelayResult = {
    usage: undefined,
    responseId: undefined,
    completionCharacters: 0,
    status: 200,
    errorCode: undefined,
  };
  try {
    for await (const chunk of stream) {
      if (!writer.isOpen) break;
      const fields = chunk as ChunkFields;
      if (result.responseId === undefined && typeof fields.id === "string") result.responseId = fields.id;
      const choices = fields.choices;
      if (choices !== undefined) {
        for (const choice of choices) {
          const text = choice.delta?.content ?? choice.text;
          if (typeof text === "string") result.completionCharacters += text.length;
        }
      }
      if (fields.usage !== undefined && fields.usage !== null) {
        result.usage = fields.usage;
        if (options.hideUsageChunk && (choices === undefined || choices.length === 0)) continue;
      }
      // A client that did not ask for usage gets chunks without the `usage: null` the upstream added.
      if (options.hideUsageChunk && fields.usage === null) {
        const { usage: _usage, ...withoutUsage } = fields;
        await writer.write(JSON.stringify(withoutUsage));
        continue;
      }
      await writer.write((chunk as { [RAW_JSON]?: string })[RAW_JSON] ?? JSON.stringify(chunk));
    }
    if (!writer.isOpen) {
      result.status = 499;
      result.errorCode = "client_closed_request";
      return result;
    }
    writer.finish();
  } catch (error) {
    const mapped = toLlmgateError(error, options.bodyLimitBytes);
    result.status = writer.isOpen ? mapped.status : 499;
    result.errorCode = writer.isOpen ? (mapped.code ?? undefined) : "client_closed_request";
    if (!writer.isOpen) return result;
    request.log.warn({ status: mapped.status, message: mapped.message }, "upstream stream failed");
    writer.fail(mapped);
  }
  return result;
}
