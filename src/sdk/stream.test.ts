import { describe, expect, it } from "vitest";
import { InternalServerError, LlmgateError, RateLimitError } from "../errors/index.js";
import { chunkBatches } from "./chunk-batches.js";
import { createUpstreamChunkStream, type UpstreamStreamSource } from "./stream.js";
import { LAST_BATCH, RAW_JSON, UNPARSED } from "./types.js";

interface Recorder {
  aborts: unknown[];
  ends: number;
}

function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

async function* pieces(parts: (Uint8Array | string)[], failure?: Error): AsyncGenerator<Uint8Array | string> {
  for (const part of parts) yield part;
  if (failure !== undefined) throw failure;
}

function source(
  body: AsyncIterable<Uint8Array | string>,
  recorder: Recorder,
): UpstreamStreamSource<Record<string, unknown>> {
  return {
    body,
    transformer: { push: (event) => [event as Record<string, unknown>], flush: () => [{ flushed: true }] },
    abort: (reason) => {
      recorder.aborts.push(reason);
    },
    mapErrorEvent: (payload) => new RateLimitError({ message: JSON.stringify(payload.error) }),
    mapTransportError: (error) => new LlmgateError({ message: `transport: ${String(error)}` }),
    onEnd: () => {
      recorder.ends++;
    },
  };
}

async function readAll<Chunk>(stream: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("createUpstreamChunkStream", () => {
  it("decodes a body fed one byte at a time, multi-byte characters included", async () => {
    const text = 'data: {"n":1,"t":"wörld ✓ 🎉"}\r\n\r\n: comment\n\ndata: {"n":2}\n\ndata: [DONE]\n\n';
    const all = bytesOf(text);
    const recorder: Recorder = { aborts: [], ends: 0 };
    const parts = Array.from(all, (byte) => Uint8Array.of(byte));
    const chunks = await readAll(createUpstreamChunkStream(source(pieces(parts), recorder)));
    expect(chunks).toEqual([{ n: 1, t: "wörld ✓ 🎉" }, { n: 2 }, { flushed: true }]);
    expect(recorder).toEqual({ aborts: [], ends: 1 });
  });

  it("ignores events after [DONE]", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const chunks = await readAll(
      createUpstreamChunkStream(
        source(pieces(['data: {"n":1}\n\ndata: [DONE]\n\ndata: {"n":2}\n\n']), recorder),
      ),
    );
    expect(chunks).toEqual([{ n: 1 }, { flushed: true }]);
  });

  it("reads a last event without its blank line", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const chunks = await readAll(createUpstreamChunkStream(source(pieces(['data: {"n":1}']), recorder)));
    expect(chunks).toEqual([{ n: 1 }, { flushed: true }]);
  });

  it("aborts the upstream and ends once when the caller breaks out", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const stream = createUpstreamChunkStream(
      source(pieces(['data: {"n":1}\n\n', 'data: {"n":2}\n\n']), recorder),
    );
    for await (const _ of stream) break;
    expect(recorder.aborts).toHaveLength(1);
    expect(recorder.ends).toBe(1);
  });

  it("aborts the upstream when the iterator is returned before the first read", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const iterator = createUpstreamChunkStream(source(pieces(['data: {"n":1}\n\n']), recorder))[
      Symbol.asyncIterator
    ]();
    await iterator.return?.();
    expect(recorder.aborts).toHaveLength(1);
    expect(recorder.ends).toBe(1);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(recorder.ends).toBe(1);
  });

  it("throws the mapped error of an error event, after the chunks before it", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const seen: unknown[] = [];
    const stream = createUpstreamChunkStream(
      source(pieces(['data: {"n":1}\n\n', 'data: {"error":{"message":"slow down"}}\n\n']), recorder),
    );
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
    ).rejects.toBeInstanceOf(RateLimitError);
    expect(seen).toEqual([{ n: 1 }]);
    expect(recorder.aborts).toHaveLength(1);
    expect(recorder.ends).toBe(1);
  });

  it("throws an InternalServerError for an event that is not JSON", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    await expect(
      readAll(createUpstreamChunkStream(source(pieces(["data: {not json\n\n"]), recorder))),
    ).rejects.toBeInstanceOf(InternalServerError);
  });

  it("maps a broken body through mapTransportError", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const error = await readAll(
      createUpstreamChunkStream(source(pieces(['data: {"n":1}\n\n'], new Error("socket hang up")), recorder)),
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe("transport: Error: socket hang up");
    expect(recorder.ends).toBe(1);
  });

  it("can be read once", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const stream = createUpstreamChunkStream(source(pieces(["data: [DONE]\n\n"]), recorder));
    await readAll(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/read once/);
  });

  it("refuses a body that is no event stream (nothing, JSON, HTML), and throws an error object's mapped error", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const read = (parts: string[]) =>
      readAll(createUpstreamChunkStream(source(pieces(parts), recorder))).catch((error: unknown) => error);
    const empty = await read([]);
    expect(empty).toBeInstanceOf(InternalServerError);
    expect((empty as Error).message).toContain("without sending any event");
    const json = await read(['{"id":"x","object":"chat.completion",', '"choices":[]}']);
    expect(json).toBeInstanceOf(InternalServerError);
    expect((json as Error).message).toContain('without an event stream: {"id":"x"');
    expect(await read(["<html>502 Bad Gateway</html>"])).toBeInstanceOf(InternalServerError);
    expect(await read(['{"error":{"message":"slow down"}}'])).toBeInstanceOf(RateLimitError);
  });

  it("fails a stream that sends more than maxPendingBytes without completing an event", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const endless = [
      'data: {"n":1}\n\n',
      'data: {"a":"',
      ..."x"
        .repeat(50)
        .split("")
        .map(() => "y".repeat(100)),
    ];
    const stream = createUpstreamChunkStream({ ...source(pieces(endless), recorder), maxPendingBytes: 1000 });
    const error = await readAll(stream).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toContain("more than 1000 bytes");
    expect(recorder.aborts).toHaveLength(1);
  });

  it("parses, and so refuses, a cut-off event even where events are left unparsed", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const stream = createUpstreamChunkStream({
      ...source(pieces(['data: {"n":1}\n\n', 'data: {"n":2,"text":"cut\n\n']), recorder),
      leavesChunksUnparsed: true,
    });
    expect(await readAll(stream).catch((error: unknown) => error)).toBeInstanceOf(InternalServerError);
  });

  it("passes abort(reason) to the upstream", () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    createUpstreamChunkStream(source(pieces([]), recorder)).abort("why");
    expect(recorder.aborts).toEqual(["why"]);
  });

  describe("in batches", () => {
    async function readBatches<Chunk>(stream: Parameters<typeof chunkBatches<Chunk>>[0]) {
      const batches: { chunks: Chunk[]; isLast: boolean }[] = [];
      const iterator = chunkBatches(stream);
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
        batches.push({
          chunks: [...next.value],
          isLast: (next.value as { [LAST_BATCH]?: true })[LAST_BATCH] === true,
        });
      }
      return batches;
    }

    it("gives one batch per upstream read, skips reads without a whole event, and marks the [DONE] batch last with the transformer's rest", async () => {
      const recorder: Recorder = { aborts: [], ends: 0 };
      const body = pieces([
        'data: {"n":1}\n\ndata: {"n":2}\n\ndata: {"n"',
        ":3}\n\n",
        'data: {"n":4}\n\ndata: [DONE]\n\n',
        "\n",
      ]);
      const batches = await readBatches(createUpstreamChunkStream(source(body, recorder)));
      expect(batches).toEqual([
        { chunks: [{ n: 1 }, { n: 2 }], isLast: false },
        { chunks: [{ n: 3 }], isLast: false },
        { chunks: [{ n: 4 }, { flushed: true }], isLast: true },
      ]);
      // The body was read to its end after [DONE] (so the connection can be reused), not aborted.
      expect(recorder).toEqual({ aborts: [], ends: 1 });
    });

    it("marks the batch at the end of a body without [DONE] last", async () => {
      const recorder: Recorder = { aborts: [], ends: 0 };
      const batches = await readBatches(
        createUpstreamChunkStream(source(pieces(['data: {"n":1}\n\n', 'data: {"n":2}']), recorder)),
      );
      expect(batches).toEqual([
        { chunks: [{ n: 1 }], isLast: false },
        { chunks: [{ n: 2 }, { flushed: true }], isLast: true },
      ]);
    });

    it("gives the chunks before an error event in a batch of their own, not marked last, then throws", async () => {
      const recorder: Recorder = { aborts: [], ends: 0 };
      const iterator = chunkBatches(
        createUpstreamChunkStream(
          source(pieces(['data: {"n":1}\n\ndata: {"error":{"message":"slow down"}}\n\n']), recorder),
        ),
      );
      const first = await iterator.next();
      expect(first.value).toEqual([{ n: 1 }]);
      expect((first.value as { [LAST_BATCH]?: true })[LAST_BATCH]).toBeUndefined();
      await expect(iterator.next()).rejects.toBeInstanceOf(RateLimitError);
      expect(recorder.aborts).toHaveLength(1);
    });

    it("share the stream's one reading with the chunk iterator", async () => {
      const recorder: Recorder = { aborts: [], ends: 0 };
      const stream = createUpstreamChunkStream(source(pieces(['data: {"n":1}\n\n']), recorder));
      chunkBatches(stream);
      expect(() => stream[Symbol.asyncIterator]()).toThrow(/read once/);
    });
  });

  it("leaves chunks after the first unparsed for a relay, unless they carry usage (other than a final null) or an error", async () => {
    const recorder: Recorder = { aborts: [], ends: 0 };
    const events = [
      '{"id":"c1","n":1}',
      '{"id":"c1","n":2}',
      '{"id":"c1","n":3,"usage":null}',
      '{"id":"c1","usage":null,"n":4}',
      '{"id":"c1","choices":[],"usage":{"total_tokens":3}}',
    ];
    const body = pieces([`${events.map((event) => `data: ${event}\n\n`).join("")}data: [DONE]\n\n`]);
    const stream = createUpstreamChunkStream({
      ...source(body, recorder),
      transformer: {
        push: (event) => [event as Record<string, unknown>],
        flush: () => [],
        isPassThrough: true,
      },
      leavesChunksUnparsed: true,
    });
    const chunks = await readAll(stream);
    const unparsed = chunks.map((chunk) => (chunk as { [UNPARSED]?: true })[UNPARSED] === true);
    expect(unparsed).toEqual([false, true, true, false, false]);
    expect(chunks.map((chunk) => (chunk as { [RAW_JSON]?: string })[RAW_JSON])).toEqual(events);
    expect(chunks[4]).toEqual({ id: "c1", choices: [], usage: { total_tokens: 3 } });
    // An error event after the first is still parsed and thrown.
    const failing = createUpstreamChunkStream({
      ...source(pieces(['data: {"n":1}\n\ndata: {"error":{"message":"slow down"}}\n\n']), recorder),
      leavesChunksUnparsed: true,
    });
    await expect(readAll(failing)).rejects.toBeInstanceOf(RateLimitError);
  });
});
