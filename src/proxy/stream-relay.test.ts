import type { ServerResponse } from "node:http";
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { CHUNK_BATCHES, type ChunkStream, LAST_BATCH, RAW_JSON, UNPARSED } from "../sdk/types.js";
import { SseWriter } from "./sse-writer.js";
import { relayStream } from "./stream-relay.js";

/** A response that records each write; the socket always takes more. */
function recordingResponse() {
  const writes: string[] = [];
  const response = {
    destroyed: false,
    writableEnded: false,
    write(text: string) {
      writes.push(text);
      return true;
    },
    end(text: string) {
      writes.push(`${text}<end>`);
      response.writableEnded = true;
    },
  };
  return { writes, response: response as unknown as ServerResponse };
}

type Batch = Record<string, unknown>[] & { [LAST_BATCH]?: true };

function batchStream(batches: Batch[], afterLast?: Error): ChunkStream<unknown> & { reads: number } {
  const stream = {
    reads: 0,
    abort() {},
    [Symbol.asyncIterator]: () => {
      throw new Error("the relay reads batches");
    },
    [CHUNK_BATCHES]: async function* () {
      for (const batch of batches) {
        stream.reads++;
        yield batch;
      }
      stream.reads++;
      if (afterLast !== undefined) throw afterLast;
    },
  };
  return stream as unknown as ChunkStream<unknown> & { reads: number };
}

const request = { log: { warn() {} } } as unknown as FastifyRequest;
const options = { hideUsageChunk: true, bodyLimitBytes: 1024 };

function chunk(content: string): Record<string, unknown> {
  const value: Record<string, unknown> = { id: "c1", choices: [{ delta: { content } }] };
  Object.defineProperty(value, RAW_JSON, { value: `{"raw":"${content}"}`, enumerable: false });
  return value;
}

describe("relayStream", () => {
  it("writes each batch at once, and the last batch with [DONE] in the response's end", async () => {
    const { writes, response } = recordingResponse();
    const last: Batch = [
      chunk("c"),
      { id: "c1", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } },
    ];
    last[LAST_BATCH] = true;
    const stream = batchStream([[chunk("a"), chunk("b")], last]);
    const result = await relayStream(stream, new SseWriter(response), request, options);
    expect(writes).toEqual([
      'data: {"raw":"a"}\n\ndata: {"raw":"b"}\n\n',
      'data: {"raw":"c"}\n\ndata: [DONE]\n\n<end>',
    ]);
    // The usage chunk the client did not ask for is read, not sent; the upstream is read to its end.
    expect(result).toMatchObject({ status: 200, responseId: "c1", completionCharacters: 3 });
    expect(result.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2 });
    expect(stream.reads).toBe(3);
  });

  it("ends with [DONE] on its own when no batch was marked last", async () => {
    const { writes, response } = recordingResponse();
    await relayStream(batchStream([[chunk("a")]]), new SseWriter(response), request, options);
    expect(writes).toEqual(['data: {"raw":"a"}\n\n', "data: [DONE]\n\n<end>"]);
  });

  it("keeps a 200 when the upstream fails after the client had [DONE]", async () => {
    const { writes, response } = recordingResponse();
    const last: Batch = [chunk("a")];
    last[LAST_BATCH] = true;
    const result = await relayStream(
      batchStream([last], new Error("reset after [DONE]")),
      new SseWriter(response),
      request,
      options,
    );
    expect(result.status).toBe(200);
    expect(writes).toEqual(['data: {"raw":"a"}\n\ndata: [DONE]\n\n<end>']);
  });

  it("sends an error event when the upstream fails before the end", async () => {
    const { writes, response } = recordingResponse();
    const result = await relayStream(
      batchStream([[chunk("a")]], new Error("reset")),
      new SseWriter(response),
      request,
      options,
    );
    expect(result.status).toBe(500);
    expect(writes[1]).toMatch(/^event: error\ndata: \{"error":/);
  });

  it("relays unparsed chunks as they came, counting their text and dropping the usage null it asked for", async () => {
    const { writes, response } = recordingResponse();
    const unparsed = (raw: string) =>
      ({ [RAW_JSON]: raw, [UNPARSED]: true }) as unknown as Record<string, unknown>;
    const batch: Batch = [
      unparsed('{"id":"c1","choices":[{"delta":{"content":"a \\"b\\""}}],"usage":null}'),
      unparsed('{"id":"c1","choices":[{"text":"xyz"}]}'),
    ];
    const result = await relayStream(batchStream([batch]), new SseWriter(response), request, options);
    expect(writes[0]).toBe(
      'data: {"id":"c1","choices":[{"delta":{"content":"a \\"b\\""}}]}\n\ndata: {"id":"c1","choices":[{"text":"xyz"}]}\n\n',
    );
    // 'a "b"' is 5 characters, "xyz" 3.
    expect(result.completionCharacters).toBe(8);
    const { writes: asked, response: askedResponse } = recordingResponse();
    await relayStream(
      batchStream([[batch[0] as Record<string, unknown>]]),
      new SseWriter(askedResponse),
      request,
      {
        ...options,
        hideUsageChunk: false,
      },
    );
    expect(asked[0]).toContain(',"usage":null}');
  });

  it("drops the usage null from a parsed chunk, from its text or, when the text does not end so, by serializing again", async () => {
    const { writes, response } = recordingResponse();
    const compact: Record<string, unknown> = { id: "c1", choices: [], usage: null };
    Object.defineProperty(compact, RAW_JSON, {
      value: '{"id":"c1","choices":[],"usage":null}',
      enumerable: false,
    });
    const spaced: Record<string, unknown> = { id: "c1", choices: [{ delta: { content: "x" } }], usage: null };
    Object.defineProperty(spaced, RAW_JSON, {
      value: '{"id": "c1", "usage": null, "choices": []}',
      enumerable: false,
    });
    await relayStream(batchStream([[compact, spaced]]), new SseWriter(response), request, options);
    expect(writes[0]).toBe(
      'data: {"id":"c1","choices":[]}\n\ndata: {"id":"c1","choices":[{"delta":{"content":"x"}}]}\n\n',
    );
  });
});
