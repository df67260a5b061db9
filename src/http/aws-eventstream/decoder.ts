import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { InternalServerError } from "../../errors/index.js";
import type { EventDecoder, StreamEvent } from "../event-decoder.js";

/** Prelude (total and headers length) and its CRC: a frame is never shorter. */
const PRELUDE_BYTES = 12;
const MINIMUM_FRAME_BYTES = 16;

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function headerText(headers: Record<string, { value: unknown }>, name: string): string | undefined {
  const value = headers[name]?.value;
  return typeof value === "string" ? value : undefined;
}

function payloadText(body: Uint8Array): string {
  return body.byteLength === 0 ? "{}" : toUtf8(body);
}

/**
 * Decodes AWS's binary event-stream framing (Bedrock's `/converse-stream`), checking each frame's
 * CRCs. An `event` frame becomes `{"<:event-type>": payload}` named by its event type, as AWS's own
 * SDKs present it; an `exception` or `error` frame becomes `{"error": {"type", "message", ...}}`.
 */
export class AwsEventStreamDecoder implements EventDecoder {
  #buffer: Uint8Array = new Uint8Array(0);

  push(bytes: Uint8Array | string): StreamEvent[] {
    const chunk = typeof bytes === "string" ? fromUtf8(bytes) : bytes;
    this.#buffer = this.#buffer.byteLength === 0 ? chunk : concat(this.#buffer, chunk);
    const events: StreamEvent[] = [];
    while (this.#buffer.byteLength >= PRELUDE_BYTES) {
      const view = new DataView(this.#buffer.buffer, this.#buffer.byteOffset, this.#buffer.byteLength);
      const totalLength = view.getUint32(0, false);
      if (totalLength < MINIMUM_FRAME_BYTES)
        throw new InternalServerError({
          message: `the upstream sent an event-stream frame that claims ${totalLength} bytes`,
        });
      if (this.#buffer.byteLength < totalLength) break;
      const frame = this.#buffer.subarray(0, totalLength);
      this.#buffer = this.#buffer.subarray(totalLength);
      events.push(toEvent(decodeFrame(frame)));
    }
    return events;
  }

  flush(): StreamEvent[] {
    if (this.#buffer.byteLength > 0) {
      const left = this.#buffer.byteLength;
      this.#buffer = new Uint8Array(0);
      throw new InternalServerError({
        message: `the upstream event stream ended inside a frame (${left} bytes left over)`,
      });
    }
    return [];
  }
}

function decodeFrame(frame: Uint8Array): ReturnType<typeof codec.decode> {
  try {
    return codec.decode(frame);
  } catch (error) {
    throw new InternalServerError({
      message: `the upstream sent a broken event-stream frame: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

function toEvent(message: ReturnType<typeof codec.decode>): StreamEvent {
  const headers = message.headers as Record<string, { value: unknown }>;
  const messageType = headerText(headers, ":message-type") ?? "event";
  if (messageType === "event") {
    const eventType = headerText(headers, ":event-type") ?? "event";
    return { event: eventType, data: `{${JSON.stringify(eventType)}:${payloadText(message.body)}}` };
  }
  if (messageType === "exception") {
    const type = headerText(headers, ":exception-type") ?? "exception";
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(payloadText(message.body)) as Record<string, unknown>;
    } catch {
      payload = { message: toUtf8(message.body) };
    }
    return {
      event: type,
      data: JSON.stringify({ error: { ...payload, type, message: messageOf(payload, type) } }),
    };
  }
  const code = headerText(headers, ":error-code") ?? "error";
  const text = headerText(headers, ":error-message") ?? code;
  return { event: code, data: JSON.stringify({ error: { type: code, message: text } }) };
}

function messageOf(payload: Record<string, unknown>, fallback: string): string {
  const message = payload.message ?? payload.Message;
  return typeof message === "string" ? message : fallback;
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.byteLength + second.byteLength);
  joined.set(first, 0);
  joined.set(second, first.byteLength);
  return joined;
}
