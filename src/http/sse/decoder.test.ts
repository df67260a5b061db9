import { describe, expect, it } from "vitest";
import { SseDecoder, type SseEvent } from "./decoder.js";

const encoder = new TextEncoder();

const OPENAI_STREAM = [
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
  "",
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Héllo 👋 世界"},"finish_reason":null}]}',
  "",
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
  "",
  "data: [DONE]",
  "",
  "",
].join("\n");

function decodeAll(chunks: Array<Uint8Array | string>): SseEvent[] {
  const decoder = new SseDecoder();
  const events = chunks.flatMap((chunk) => decoder.push(chunk));
  return [...events, ...decoder.flush()];
}

function dataEvent(data: string, event?: string, id?: string): SseEvent {
  return { event, data, id };
}

describe("SseDecoder", () => {
  it("decodes a realistic OpenAI chat stream pushed whole", () => {
    const events = decodeAll([encoder.encode(OPENAI_STREAM)]);
    expect(events).toHaveLength(4);
    expect(events.map((event) => event.event)).toEqual([undefined, undefined, undefined, undefined]);
    const second = JSON.parse(events[1]?.data ?? "") as { choices: Array<{ delta: { content: string } }> };
    expect(second.choices[0]?.delta.content).toBe("Héllo 👋 世界");
  });

  it("treats [DONE] as a plain data event (the caller stops there)", () => {
    const events = decodeAll([OPENAI_STREAM]);
    expect(events.at(-1)).toEqual(dataEvent("[DONE]"));
  });

  it("gives the same events when the bytes arrive one by one", () => {
    const whole = decodeAll([encoder.encode(OPENAI_STREAM)]);
    const bytes = encoder.encode(OPENAI_STREAM);
    const single = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(decodeAll(single)).toEqual(whole);
  });

  it("gives the same events whatever byte the stream is split at", () => {
    const bytes = encoder.encode(OPENAI_STREAM);
    const whole = decodeAll([bytes]);
    for (let split = 0; split <= bytes.length; split += 1) {
      expect(decodeAll([bytes.subarray(0, split), bytes.subarray(split)])).toEqual(whole);
    }
  });

  it("emits each event as soon as its blank line arrives", () => {
    const decoder = new SseDecoder();
    expect(decoder.push("data: one\n")).toEqual([]);
    expect(decoder.push("\n")).toEqual([dataEvent("one")]);
    expect(decoder.push("data: two\n\ndata: thr")).toEqual([dataEvent("two")]);
    expect(decoder.push("ee\n\n")).toEqual([dataEvent("three")]);
  });

  it.each([
    ["CRLF", "\r\n"],
    ["CR", "\r"],
    ["LF", "\n"],
  ])("accepts %s line ends at every split point", (_name, lineEnd) => {
    const text = ["event: message", "data: a", "data: b", "", "data: c", "", ""].join(lineEnd);
    const expected = [dataEvent("a\nb", "message"), dataEvent("c")];
    expect(decodeAll([text])).toEqual(expected);
    for (let split = 0; split <= text.length; split += 1) {
      expect(decodeAll([text.slice(0, split), text.slice(split)])).toEqual(expected);
    }
    expect(decodeAll(Array.from(text))).toEqual(expected);
  });

  it("does not read a CRLF split between chunks as two line ends", () => {
    const decoder = new SseDecoder();
    expect(decoder.push("data: x\r")).toEqual([]);
    expect(decoder.push("\n\r")).toEqual([dataEvent("x")]);
    expect(decoder.push("\ndata: y\r\n\r\n")).toEqual([dataEvent("y")]);
  });

  it("ignores comment lines", () => {
    const text = ": keep-alive\n\ndata: a\n: between data lines\ndata: b\n\n:\n\n";
    expect(decodeAll([text])).toEqual([dataEvent("a\nb")]);
  });

  it("joins multiple data lines with a line feed", () => {
    expect(decodeAll(["data: first\ndata:second\ndata:  third\n\n"])).toEqual([
      dataEvent("first\nsecond\n third"),
    ]);
  });

  it("keeps an empty data line as data", () => {
    expect(decodeAll(["data\n\ndata:\ndata:\n\n"])).toEqual([dataEvent(""), dataEvent("\n")]);
  });

  it("dispatches an event only when it has data", () => {
    expect(decodeAll(["event: ping\n\nid: 7\n\nretry: 1000\n\n"])).toEqual([]);
  });

  it("resets the event name after each event and keeps the last id", () => {
    const text = "event: delta\nid: 1\ndata: a\n\ndata: b\n\nid: 2\nevent: done\ndata: c\n\n";
    expect(decodeAll([text])).toEqual([
      dataEvent("a", "delta", "1"),
      dataEvent("b", undefined, "1"),
      dataEvent("c", "done", "2"),
    ]);
  });

  it("ignores an id that contains NULL", () => {
    expect(decodeAll(["id: ok\ndata: a\n\nid: b\0ad\ndata: b\n\n"])).toEqual([
      dataEvent("a", undefined, "ok"),
      dataEvent("b", undefined, "ok"),
    ]);
  });

  it("ignores retry and unknown fields", () => {
    expect(decodeAll(["retry: 3000\nfoo: bar\ndata: a\n\n"])).toEqual([dataEvent("a")]);
  });

  it("decodes multi-byte UTF-8 split across chunks at every byte", () => {
    const text = 'data: {"content":"🙂 中文 ü é 𝄞"}\n\n';
    const bytes = encoder.encode(text);
    const expected = [dataEvent('{"content":"🙂 中文 ü é 𝄞"}')];
    for (let split = 0; split <= bytes.length; split += 1) {
      expect(decodeAll([bytes.subarray(0, split), bytes.subarray(split)])).toEqual(expected);
    }
    expect(decodeAll(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(expected);
  });

  it("strips a byte order mark at the start of the stream", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode("data: a\n\n")]);
    expect(decodeAll([bytes])).toEqual([dataEvent("a")]);
    expect(decodeAll(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual([dataEvent("a")]);
    expect(decodeAll(["\uFEFFdata: b\n\n"])).toEqual([dataEvent("b")]);
  });

  it("keeps a byte order mark that is not at the start", () => {
    expect(decodeAll(["data: a\n\ndata: \uFEFFb\n\n"])).toEqual([dataEvent("a"), dataEvent("\uFEFFb")]);
  });

  it("flushes an event whose final blank line never came", () => {
    const decoder = new SseDecoder();
    expect(decoder.push('data: {"done":true}')).toEqual([]);
    expect(decoder.flush()).toEqual([dataEvent('{"done":true}')]);
  });

  it("flushes an event ended by a single line end", () => {
    const decoder = new SseDecoder();
    expect(decoder.push("data: a\ndata: b\n")).toEqual([]);
    expect(decoder.flush()).toEqual([dataEvent("a\nb")]);
    expect(decoder.flush()).toEqual([]);
  });

  it("flushes nothing when the stream ended cleanly", () => {
    const decoder = new SseDecoder();
    expect(decoder.push("data: a\n\n")).toEqual([dataEvent("a")]);
    expect(decoder.flush()).toEqual([]);
  });

  it("handles a line much longer than the chunks", () => {
    const payload = "x".repeat(10_000);
    const text = `data: ${payload}\n\n`;
    const chunks: string[] = [];
    for (let start = 0; start < text.length; start += 7) chunks.push(text.slice(start, start + 7));
    expect(decodeAll(chunks)).toEqual([dataEvent(payload)]);
  });
});
