import type { FastifyRequest } from "fastify";
import { encodeSseData } from "../http/sse/index.js";
import type { Usage } from "../openai/types.js";
import { chunkBatches } from "../sdk/chunk-batches.js";
import { USAGE_NULL_TAIL } from "../sdk/stream.js";
import { type ChunkStream, LAST_BATCH, RAW_JSON, UNPARSED } from "../sdk/types.js";
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
  [RAW_JSON]?: string;
  [UNPARSED]?: true;
  id?: unknown;
  usage?: Usage | null;
  choices?: { delta?: { content?: unknown }; text?: unknown }[];
}

/**
 * The length of the first string value after `key` (e.g. `"content":"`) in a chunk's JSON, an
 * escape counted as one character: the text an unparsed chunk carries, for the token estimate of a
 * stream that ends without usage.
 */
function quotedTextLength(json: string, key: string): number {
  const start = json.indexOf(key);
  if (start < 0) return 0;
  let length = 0;
  for (let index = start + key.length; index < json.length; index++) {
    const code = json.charCodeAt(index);
    if (code === 0x22) break;
    if (code === 0x5c) index++;
    length++;
  }
  return length;
}

/** A chunk's JSON without the trailing top-level `"usage":null`; undefined when it does not end so. */
function withoutUsageNull(json: string): string | undefined {
  return json.endsWith(USAGE_NULL_TAIL) ? `${json.slice(0, -USAGE_NULL_TAIL.length)}}` : undefined;
}

/**
 * Reads what the proxy needs from one chunk (response id, text length, usage) and returns the JSON
 * to send for it, or undefined when it is not sent (the usage chunk the client did not ask for).
 */
function relayedJson(fields: ChunkFields, result: RelayResult, hideUsageChunk: boolean): string | undefined {
  const raw = fields[RAW_JSON];
  if (fields[UNPARSED] === true && raw !== undefined) {
    result.completionCharacters += quotedTextLength(raw, '"content":"') + quotedTextLength(raw, '"text":"');
    return hideUsageChunk ? (withoutUsageNull(raw) ?? raw) : raw;
  }
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
    if (hideUsageChunk && (choices === undefined || choices.length === 0)) return undefined;
  }
  // A client that did not ask for usage gets chunks without the `usage: null` the upstream added.
  if (hideUsageChunk && fields.usage === null) {
    const cut = raw === undefined ? undefined : withoutUsageNull(raw);
    if (cut !== undefined) return cut;
    const { usage: _usage, ...withoutUsage } = fields;
    return JSON.stringify(withoutUsage);
  }
  return raw ?? JSON.stringify(fields);
}

/**
 * Relays chunks as SSE, one socket write per upstream read (its batch of chunks) with backpressure,
 * and reads usage on the way. When the proxy asked for usage on the client's behalf
 * (`hideUsageChunk`), the usage-only chunk is not sent.
 * An error after the first byte becomes one SSE error event.
 */
export async function relayStream(
  stream: ChunkStream<unknown>,
  writer: SseWriter,
  request: FastifyRequest,
  options: {
    hideUsageChunk: boolean;
    bodyLimitBytes: number;
    /** Sees every chunk as it is relayed (the response cache keeps them). */
    onChunk?: ((chunk: unknown) => void) | undefined;
  },
): Promise<RelayResult> {
  const result: RelayResult = {
    usage: undefined,
    responseId: undefined,
    completionCharacters: 0,
    status: 200,
    errorCode: undefined,
  };
  const batches = chunkBatches(stream);
  // Set once the client has the whole stream: what the upstream sends after `[DONE]` is only read.
  let isEnded = false;
  try {
    for await (const batch of { [Symbol.asyncIterator]: () => batches }) {
      if (isEnded) continue;
      if (!writer.isOpen) break;
      let events = "";
      for (const chunk of batch) {
        options.onChunk?.(chunk);
        const json = relayedJson(chunk as ChunkFields, result, options.hideUsageChunk);
        if (json !== undefined) events += encodeSseData(json);
      }
      // The last batch and the `[DONE]` leave in one write.
      if ((batch as { [LAST_BATCH]?: true })[LAST_BATCH] === true) {
        isEnded = true;
        writer.finish(events);
      } else if (events !== "") await writer.write(events);
    }
    if (isEnded) return result;
    if (!writer.isOpen) {
      result.status = 499;
      result.errorCode = "client_closed_request";
      return result;
    }
    writer.finish("");
  } catch (error) {
    // After `[DONE]` reached the client, a failure reading the upstream's last bytes changes nothing.
    if (isEnded) return result;
    const mapped = toLlmgateError(error, options.bodyLimitBytes);
    result.status = writer.isOpen ? mapped.status : 499;
    result.errorCode = writer.isOpen ? (mapped.code ?? undefined) : "client_closed_request";
    if (!writer.isOpen) return result;
    request.log.warn({ status: mapped.status, message: mapped.message }, "upstream stream failed");
    writer.fail(mapped);
  }
  return result;
}
