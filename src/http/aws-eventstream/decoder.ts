import { crc32 } from "node:zlib";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { InternalServerError } from "../../errors/index.js";
import type { EventDecoder, StreamEvent } from "../event-decoder.js";

/** Total length, headers length, and the prelude's CRC32. */
const PRELUDE_BYTES = 12;
/** A prelude and a message CRC: no frame is shorter. */
const MINIMUM_FRAME_BYTES = 16;
/** AWS's limit on one event-stream message (16 MiB of payload) plus its 128 KiB of headers. */
const MAXIMUM_FRAME_BYTES = 16 * 1024 * 1024 + 128 * 1024 + MINIMUM_FRAME_BYTES;

const codec = new EventStreamCodec(toUtf8, fromUtf8);

type DecodedMessage = ReturnType<typeof codec.decode>;

/**
 * Decodes AWS's binary event-stream framing (Bedrock's `/converse-stream`), checking each frame's
 * CRCs. An `event` frame becomes `{"<:event-type>": payload}` named by its event type, as AWS's own
 * SDKs present it; an `exception` frame becomes `{"error": {...payload, "type", "message"}}` named
 * by its exception type, an `error` frame `{"error": {"type": <:error-code>, "message"}}`.
 *
 * A body that is not an event stream at all (its first prelude fails its CRC: a JSON error, an
 * HTML page) yields no event, not an error, so that the stream reader reports it with its text.
 */
export class AwsEventStreamDecoder implements EventDecoder {
  /** Bytes not yet decoded, as they came (joined only once a whole frame is there). */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #hasFrame = false;
  #isNotEventStream = false;

  push(bytes: Uint8Array | string): StreamEvent[] {
    const chunk = typeof bytes === "string" ? fromUtf8(bytes) : bytes;
    if (chunk.byteLength === 0) return [];
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.byteLength;
    if (this.#isNotEventStream) return [];
    const events: StreamEvent[] = [];
    while (this.#pendingBytes >= PRELUDE_BYTES) {
      const head = this.#take(PRELUDE_BYTES, false);
      const totalLength = readPrelude(head);
      if (totalLength === undefined) {
        if (!this.#hasFrame) {
          this.#isNotEventStream = true;
          return events;
        }
        throw new InternalServerError({
          message: "the upstream sent a broken event-stream frame: its prelude fails its checksum",
        });
      }
      if (totalLength < MINIMUM_FRAME_BYTES || totalLength > MAXIMUM_FRAME_BYTES)
        throw new InternalServerError({
          message: `the upstream sent an event-stream frame that claims ${totalLength} bytes`,
        });
      if (this.#pendingBytes < totalLength) break;
      const frame = this.#take(totalLength, true);
      events.push(toEvent(decodeFrame(frame)));
      this.#hasFrame = true;
    }
    return events;
  }

  flush(): StreamEvent[] {
    const left = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (left > 0 && !this.#isNotEventStream && (this.#hasFrame || left >= PRELUDE_BYTES))
      throw new InternalServerError({
        message: `the upstream event stream ended inside a frame (${left} bytes left over)`,
      });
    return [];
  }

  /** The first `length` pending bytes (joined when they span chunks); removed when `isConsumed`. */
  #take(length: number, isConsumed: boolean): Uint8Array {
    const first = this.#pending[0] ?? new Uint8Array(0);
    let taken: Uint8Array;
    if (first.byteLength >= length) {
      taken = first.subarray(0, length);
    } else {
      const joined = joinChunks(this.#pending, this.#pendingBytes);
      this.#pending = [joined];
      taken = joined.subarray(0, length);
    }
    if (isConsumed) {
      const head = this.#pending[0] ?? taken;
      const rest = head.subarray(length);
      this.#pending = rest.byteLength > 0 ? [rest, ...this.#pending.slice(1)] : this.#pending.slice(1);
      this.#pendingBytes -= length;
    }
    return taken;
  }
}

/** The frame's total length, or undefined when the prelude's CRC does not match. */
function readPrelude(prelude: Uint8Array): number | undefined {
  const view = new DataView(prelude.buffer, prelude.byteOffset, PRELUDE_BYTES);
  if (crc32(prelude.subarray(0, 8)) !== view.getUint32(8, false)) return undefined;
  return view.getUint32(0, false);
}

function joinChunks(chunks: Uint8Array[], byteLength: number): Uint8Array {
  const joined = new Uint8Array(byteLength);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

function decodeFrame(frame: Uint8Array): DecodedMessage {
  try {
    return codec.decode(frame);
  } catch (error) {
    throw new InternalServerError({
      message: `the upstream sent a broken event-stream frame: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

function headerText(headers: Record<string, { value: unknown }>, name: string): string | undefined {
  const value = headers[name]?.value;
  return typeof value === "string" ? value : undefined;
}

function payloadText(body: Uint8Array): string {
  return body.byteLength === 0 ? "{}" : toUtf8(body);
}

function toEvent(message: DecodedMessage): StreamEvent {
  const headers = message.headers as Record<string, { value: unknown }>;
  const messageType = headerText(headers, ":message-type") ?? "event";
  if (messageType === "event") {
    const eventType = headerText(headers, ":event-type") ?? "event";
    return { event: eventType, data: `{${JSON.stringify(eventType)}:${payloadText(message.body)}}` };
  }
  if (messageType === "exception") {
    const type = headerText(headers, ":exception-type") ?? "exception";
    const payload = exceptionPayload(message.body);
    return {
      event: type,
      data: JSON.stringify({ error: { ...payload, type, message: messageOf(payload, type) } }),
    };
  }
  const code = headerText(headers, ":error-code") ?? "error";
  const text = headerText(headers, ":error-message") ?? code;
  return { event: code, data: JSON.stringify({ error: { type: code, message: text } }) };
}

/** An exception's JSON object; any other payload (text, a JSON string or list) as its message. */
function exceptionPayload(body: Uint8Array): Record<string, unknown> {
  const text = toUtf8(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.trim() === "" ? {} : { message: text };
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
    return parsed as Record<string, unknown>;
  return typeof parsed === "string" ? { message: parsed } : {};
}

function messageOf(payload: Record<string, unknown>, fallback: string): string {
  const message = payload.message ?? payload.Message;
  return typeof message === "string" && message !== "" ? message : fallback;
}
