import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEventDecoder, type StreamEvent } from "../event-decoder.js";
import { NdjsonDecoder } from "./decoder.js";

const encoder = new TextEncoder();

/** Lines as Ollama streams them: one JSON object each, with multi-byte text (2, 3 and 4 bytes). */
const LINES = [
  { model: "llama3.2", message: { role: "assistant", content: "Héllo" }, done: false },
  { model: "llama3.2", message: { role: "assistant", content: " 世界 👋🏽" }, done: false },
  { model: "llama3.2", message: { role: "assistant", content: "" }, done: true, done_reason: "stop" },
].map((line) => JSON.stringify(line));

const BODY = encoder.encode(`${LINES.join("\n")}\n`);

function decodeAll(chunks: (Uint8Array | string)[]): StreamEvent[] {
  const decoder = new NdjsonDecoder();
  const events = chunks.flatMap((chunk) => decoder.push(chunk));
  return [...events, ...decoder.flush()];
}

function eventsOf(lines: string[]): StreamEvent[] {
  return lines.map((data) => ({ event: undefined, data }));
}

/** The body cut at the given byte offsets (sorted, deduplicated). */
function splitAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const cuts = [...new Set(offsets)].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe("NdjsonDecoder", () => {
  it("gives one event per line, without a name", () => {
    expect(decodeAll([BODY])).toEqual(eventsOf(LINES));
  });

  it("gives the same events wherever the body is cut in two (every byte boundary)", () => {
    for (let cut = 0; cut <= BODY.length; cut++) {
      expect(decodeAll(splitAt(BODY, [cut])), `cut at byte ${cut}`).toEqual(eventsOf(LINES));
    }
  });

  it("gives the same events when the body comes one byte at a time", () => {
    const chunks = Array.from(BODY, (byte) => Uint8Array.of(byte));
    expect(decodeAll(chunks)).toEqual(eventsOf(LINES));
  });

  it("keeps a 4-byte character whole when each of its bytes comes in its own chunk", () => {
    const line = JSON.stringify({ response: "😀" });
    const bytes = encoder.encode(`${line}\n`);
    const start = bytes.indexOf(0xf0);
    expect(start).toBeGreaterThan(0);
    const chunks = splitAt(bytes, [start, start + 1, start + 2, start + 3, start + 4]);
    const decoder = new NdjsonDecoder();
    const events = chunks.flatMap((chunk) => decoder.push(chunk));
    expect(events).toEqual(eventsOf([line]));
    expect(decoder.flush()).toEqual([]);
  });

  it("gives the same events for any cuts (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: BODY.length }), { maxLength: 12 }), (offsets) => {
        expect(decodeAll(splitAt(BODY, offsets))).toEqual(eventsOf(LINES));
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips any text lines, whatever the cuts (property)", () => {
    const textLine = fc
      .string({ unit: "grapheme", minLength: 1, maxLength: 20 })
      .map((text) => JSON.stringify({ text }));
    fc.assert(
      fc.property(
        fc.array(textLine, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (lines, seeds) => {
          const bytes = encoder.encode(`${lines.join("\n")}\n`);
          const offsets = seeds.map((seed) => seed % (bytes.length + 1));
          expect(decodeAll(splitAt(bytes, offsets))).toEqual(eventsOf(lines));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("takes \\r\\n line ends, also when \\r and \\n come in different chunks", () => {
    const text = `${LINES[0]}\r\n${LINES[1]}\r\n`;
    expect(decodeAll([text])).toEqual(eventsOf(LINES.slice(0, 2)));
    const cut = text.indexOf("\r") + 1;
    expect(decodeAll([text.slice(0, cut), text.slice(cut)])).toEqual(eventsOf(LINES.slice(0, 2)));
  });

  it("skips blank and whitespace-only lines", () => {
    expect(decodeAll([`\n\n${LINES[0]}\n  \n\t\n${LINES[1]}\n\n`])).toEqual(eventsOf(LINES.slice(0, 2)));
    expect(decodeAll(["\n", "\r\n", ""])).toEqual([]);
  });

  it("returns a last line without a line end only at flush", () => {
    const decoder = new NdjsonDecoder();
    expect(decoder.push(encoder.encode(`${LINES[0]}\n${LINES[1]}`))).toEqual(eventsOf([LINES[0] as string]));
    expect(decoder.flush()).toEqual(eventsOf([LINES[1] as string]));
    expect(decoder.flush()).toEqual([]);
  });

  it("keeps a partial line across many pushes until its line end", () => {
    const decoder = new NdjsonDecoder();
    const line = LINES[1] as string;
    for (const piece of [line.slice(0, 5), line.slice(5, 9), line.slice(9)])
      expect(decoder.push(piece)).toEqual([]);
    expect(decoder.push("\n")).toEqual(eventsOf([line]));
  });

  it("gives several events from one chunk, and the start of the next line stays pending", () => {
    const decoder = new NdjsonDecoder();
    const text = `${LINES[0]}\n${LINES[1]}\n${(LINES[2] as string).slice(0, 10)}`;
    expect(decoder.push(text)).toEqual(eventsOf(LINES.slice(0, 2)));
    expect(decoder.push(`${(LINES[2] as string).slice(10)}\n`)).toEqual(eventsOf([LINES[2] as string]));
  });

  it("takes string chunks as well as bytes", () => {
    expect(decodeAll([...`${LINES.join("\n")}\n`])).toEqual(eventsOf(LINES));
  });

  it("passes lines on as text: parsing (and refusing what is not JSON) is the caller's", () => {
    expect(decodeAll(["not json\n", '{"cut": "of'])).toEqual(eventsOf(["not json", '{"cut": "of']));
  });

  it("turns an unfinished character at the very end into U+FFFD instead of losing the line", () => {
    const bytes = encoder.encode('{"text":"😀');
    const events = decodeAll([bytes.subarray(0, bytes.length - 2)]);
    expect(events).toEqual(eventsOf(['{"text":"\uFFFD']));
  });

  it("is what createEventDecoder gives for the ndjson framing", () => {
    const decoder = createEventDecoder("ndjson");
    expect(decoder).toBeInstanceOf(NdjsonDecoder);
    expect([...decoder.push(BODY), ...decoder.flush()]).toEqual(eventsOf(LINES));
  });
});
