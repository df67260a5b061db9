import { describe, expect, it } from "vitest";
import { SseDecoder } from "./decoder.js";
import { encodeSseData, encodeSseEvent, SSE_DONE } from "./encoder.js";

function decode(text: string): ReturnType<SseDecoder["push"]> {
  const decoder = new SseDecoder();
  return [...decoder.push(text), ...decoder.flush()];
}

describe("encodeSseData", () => {
  it("writes one data line and a blank line", () => {
    expect(encodeSseData('{"a":1}')).toBe('data: {"a":1}\n\n');
  });

  it("round-trips through the decoder", () => {
    const json = JSON.stringify({ content: "line one\nline two 👋" });
    expect(decode(encodeSseData(json))).toEqual([{ event: undefined, data: json, id: undefined }]);
  });
});

describe("SSE_DONE", () => {
  it("is OpenAI's final event", () => {
    expect(SSE_DONE).toBe("data: [DONE]\n\n");
    expect(decode(SSE_DONE)).toEqual([{ event: undefined, data: "[DONE]", id: undefined }]);
  });
});

describe("encodeSseEvent", () => {
  it("writes single-line data without an event name", () => {
    expect(encodeSseEvent("hello")).toBe("data: hello\n\n");
  });

  it("writes the event name first", () => {
    expect(encodeSseEvent('{"type":"ping"}', "ping")).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });

  it("writes each line of multi-line data as its own data line", () => {
    expect(encodeSseEvent("a\nb\r\nc\rd")).toBe("data: a\ndata: b\ndata: c\ndata: d\n\n");
  });

  it("keeps empty lines, leading spaces and a trailing line end", () => {
    expect(encodeSseEvent("\n x\n")).toBe("data: \ndata:  x\ndata: \n\n");
  });

  it("writes empty data as one empty data line", () => {
    expect(encodeSseEvent("")).toBe("data: \n\n");
  });

  it.each(["a\nb", "a\r\nb", "\n\nx\n", " leading", "", "emoji 🙂\n中文", ": not a comment"])(
    "round-trips %j through the decoder",
    (data) => {
      const expected = data.replace(/\r\n|\r/g, "\n");
      expect(decode(encodeSseEvent(data, "message"))).toEqual([
        { event: "message", data: expected, id: undefined },
      ]);
    },
  );

  it("refuses an event name with a line end", () => {
    expect(() => encodeSseEvent("x", "bad\nname")).toThrow(TypeError);
  });
});
