import { crc32 } from "node:zlib";
import { EventStreamCodec, type Message } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { describe, expect, it } from "vitest";
import { InternalServerError } from "../../errors/index.js";
import { createEventDecoder, type StreamEvent } from "../event-decoder.js";
import { AwsEventStreamDecoder } from "./decoder.js";

/** Frames are encoded with AWS's own codec, as Bedrock's servers send them. */
const codec = new EventStreamCodec(toUtf8, fromUtf8);

function stringHeader(value: string) {
  return { type: "string" as const, value };
}

function eventFrame(eventType: string, payload: unknown): Uint8Array {
  const message: Message = {
    headers: {
      ":event-type": stringHeader(eventType),
      ":content-type": stringHeader("application/json"),
      ":message-type": stringHeader("event"),
    },
    body: fromUtf8(JSON.stringify(payload)),
  };
  return codec.encode(message);
}

function exceptionFrame(exceptionType: string, body: string): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": stringHeader(exceptionType),
      ":content-type": stringHeader("application/json"),
      ":message-type": stringHeader("exception"),
    },
    body: fromUtf8(body),
  });
}

function join(...frames: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(frames.reduce((sum, frame) => sum + frame.byteLength, 0));
  let offset = 0;
  for (const frame of frames) {
    joined.set(frame, offset);
    offset += frame.byteLength;
  }
  return joined;
}

function decodeAll(chunks: Uint8Array[]): StreamEvent[] {
  const decoder = new AwsEventStreamDecoder();
  const events = chunks.flatMap((chunk) => decoder.push(chunk));
  return [...events, ...decoder.flush()];
}

const STREAM = join(
  eventFrame("messageStart", { p: "abcd", role: "assistant" }),
  eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Héllo 👋 世界" }, p: "ab" }),
  eventFrame("contentBlockStop", { contentBlockIndex: 0 }),
  eventFrame("messageStop", { stopReason: "end_turn" }),
  eventFrame("metadata", { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 }, metrics: {} }),
);

describe("AwsEventStreamDecoder", () => {
  it("turns each event frame into {<event type>: payload}, named by its event type", () => {
    const events = decodeAll([STREAM]);
    expect(events.map((event) => event.event)).toEqual([
      "messageStart",
      "contentBlockDelta",
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    expect(JSON.parse(events[1]?.data ?? "")).toEqual({
      contentBlockDelta: { contentBlockIndex: 0, delta: { text: "Héllo 👋 世界" }, p: "ab" },
    });
    expect(JSON.parse(events[4]?.data ?? "")).toEqual({
      metadata: { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 }, metrics: {} },
    });
  });

  it("gives the same events whatever byte the stream is split at (frames, preludes and UTF-8 characters)", () => {
    const whole = decodeAll([STREAM]);
    for (let split = 0; split <= STREAM.length; split += 1) {
      expect(decodeAll([STREAM.subarray(0, split), STREAM.subarray(split)])).toEqual(whole);
    }
  });

  it("gives the same events when the bytes arrive one by one", () => {
    const single = Array.from(STREAM, (byte) => Uint8Array.of(byte));
    expect(decodeAll(single)).toEqual(decodeAll([STREAM]));
  });

  it("gives the same events for three-way splits", () => {
    const whole = decodeAll([STREAM]);
    for (let first = 0; first < STREAM.length; first += 7) {
      for (let second = first; second <= STREAM.length; second += 13) {
        const parts = [STREAM.subarray(0, first), STREAM.subarray(first, second), STREAM.subarray(second)];
        expect(decodeAll(parts)).toEqual(whole);
      }
    }
  });

  it("emits a frame as soon as its last byte arrives, not before", () => {
    const frame = eventFrame("messageStart", { role: "assistant" });
    const decoder = new AwsEventStreamDecoder();
    expect(decoder.push(frame.subarray(0, frame.length - 1))).toEqual([]);
    expect(decoder.push(frame.subarray(frame.length - 1))).toEqual([
      { event: "messageStart", data: '{"messageStart":{"role":"assistant"}}' },
    ]);
  });

  it("reads frames from a chunk that is a view into a larger buffer (Node's pooled Buffers)", () => {
    const padded = join(Uint8Array.of(9, 9, 9), STREAM, Uint8Array.of(9));
    const view = Buffer.from(padded.buffer, 3, STREAM.length);
    expect(decodeAll([view])).toEqual(decodeAll([STREAM]));
  });

  it("turns an exception frame into an error payload with its type and message, keeping its fields", () => {
    const frame = exceptionFrame("throttlingException", '{"message":"Too many requests, please wait."}');
    expect(decodeAll([frame])).toEqual([
      {
        event: "throttlingException",
        data: JSON.stringify({
          error: { message: "Too many requests, please wait.", type: "throttlingException" },
        }),
      },
    ]);
    const streamError = exceptionFrame(
      "modelStreamErrorException",
      '{"message":"boom","originalStatusCode":500,"originalMessage":"model fault"}',
    );
    const [event] = decodeAll([streamError]);
    expect(JSON.parse(event?.data ?? "")).toEqual({
      error: {
        message: "boom",
        originalStatusCode: 500,
        originalMessage: "model fault",
        type: "modelStreamErrorException",
      },
    });
  });

  it("gives an exception whose payload is not a JSON object its text (or its type) as message", () => {
    const events = decodeAll([
      exceptionFrame("internalServerException", "plain text fault"),
      exceptionFrame("validationException", "null"),
      exceptionFrame("serviceUnavailableException", ""),
      exceptionFrame("throttlingException", '"quoted"'),
    ]);
    expect(events.map((event) => JSON.parse(event.data))).toEqual([
      { error: { message: "plain text fault", type: "internalServerException" } },
      { error: { message: "validationException", type: "validationException" } },
      { error: { message: "serviceUnavailableException", type: "serviceUnavailableException" } },
      { error: { message: "quoted", type: "throttlingException" } },
    ]);
  });

  it("turns an error frame (:error-code, :error-message) into an error payload", () => {
    const frame = codec.encode({
      headers: {
        ":message-type": stringHeader("error"),
        ":error-code": stringHeader("InternalFailure"),
        ":error-message": stringHeader("the stream broke"),
      },
      body: new Uint8Array(0),
    });
    expect(decodeAll([frame])).toEqual([
      {
        event: "InternalFailure",
        data: JSON.stringify({ error: { type: "InternalFailure", message: "the stream broke" } }),
      },
    ]);
  });

  it("gives an event with an empty payload {} as its payload", () => {
    const frame = codec.encode({
      headers: { ":message-type": stringHeader("event"), ":event-type": stringHeader("ping") },
      body: new Uint8Array(0),
    });
    expect(decodeAll([frame])).toEqual([{ event: "ping", data: '{"ping":{}}' }]);
  });

  it("refuses a frame whose message checksum fails", () => {
    const frame = eventFrame("contentBlockDelta", { delta: { text: "hi" } });
    const broken = frame.slice();
    broken[frame.length - 6] = (broken[frame.length - 6] ?? 0) ^ 0xff;
    const decoder = new AwsEventStreamDecoder();
    expect(() => decoder.push(broken)).toThrow(InternalServerError);
    expect(() => new AwsEventStreamDecoder().push(broken)).toThrow(/broken event-stream frame/);
  });

  it("refuses a later frame whose prelude checksum fails", () => {
    const second = eventFrame("messageStop", { stopReason: "end_turn" }).slice();
    second[1] = (second[1] ?? 0) ^ 0x01;
    const decoder = new AwsEventStreamDecoder();
    expect(decoder.push(eventFrame("messageStart", { role: "assistant" }))).toHaveLength(1);
    expect(() => decoder.push(second)).toThrow(/prelude fails its checksum/);
  });

  it("refuses a frame that claims an impossible length, with a valid prelude", () => {
    const prelude = new Uint8Array(12);
    const view = new DataView(prelude.buffer);
    view.setUint32(0, 8, false);
    view.setUint32(4, 0, false);
    view.setUint32(8, crc32(prelude.subarray(0, 8)), false);
    expect(() => new AwsEventStreamDecoder().push(prelude)).toThrow(/claims 8 bytes/);
    view.setUint32(0, 0x7fffffff, false);
    view.setUint32(8, crc32(prelude.subarray(0, 8)), false);
    expect(() => new AwsEventStreamDecoder().push(prelude)).toThrow(/claims 2147483647 bytes/);
  });

  it("refuses a stream that ends inside a frame", () => {
    const decoder = new AwsEventStreamDecoder();
    const frame = eventFrame("messageStop", { stopReason: "end_turn" });
    decoder.push(eventFrame("messageStart", { role: "assistant" }));
    decoder.push(frame.subarray(0, 20));
    expect(() => decoder.flush()).toThrow(/ended inside a frame \(20 bytes left over\)/);
    const first = new AwsEventStreamDecoder();
    first.push(frame.subarray(0, 14));
    expect(() => first.flush()).toThrow(/ended inside a frame/);
  });

  it("yields no event for a body that is not an event stream, so the reader can quote it", () => {
    const decoder = new AwsEventStreamDecoder();
    expect(decoder.push('{"message":"The security token included in the request is invalid."}')).toEqual([]);
    expect(decoder.push(fromUtf8(" more text"))).toEqual([]);
    expect(decoder.flush()).toEqual([]);
    const tiny = new AwsEventStreamDecoder();
    expect(tiny.push("{}")).toEqual([]);
    expect(tiny.flush()).toEqual([]);
  });

  it("ends cleanly after whole frames and ignores empty chunks", () => {
    const decoder = new AwsEventStreamDecoder();
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect(decoder.push(STREAM)).toHaveLength(5);
    expect(decoder.flush()).toEqual([]);
  });

  it("is what createEventDecoder gives for the aws-eventstream framing", () => {
    const decoder = createEventDecoder("aws-eventstream");
    expect(decoder).toBeInstanceOf(AwsEventStreamDecoder);
    expect(decoder.push(STREAM).map((event) => event.event)).toHaveLength(5);
  });
});
