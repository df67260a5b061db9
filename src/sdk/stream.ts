import { InternalServerError, LlmgateError } from "../errors/index.js";
import { SseDecoder, type SseEvent } from "../http/sse/index.js";
import type { StreamTransformer } from "../providers/types.js";
import { type ChunkStream, RAW_JSON } from "./types.js";

export interface UpstreamStreamSource<Chunk> {
  body: AsyncIterable<Uint8Array | string>;
  transformer: StreamTransformer<Chunk>;
  /** Aborts the upstream request (the client left, or the caller called abort()). */
  abort(reason?: unknown): void;
  /** Turns an error event sent by the upstream inside the stream into our error. */
  mapErrorEvent(payload: Record<string, unknown>): LlmgateError;
  /** Turns a broken connection into our error (or the caller's abort reason). */
  mapTransportError(error: unknown): unknown;
  /** Runs once when the stream is over, however it ended. */
  onEnd(): void;
}

function parseEvent(event: SseEvent): Record<string, unknown> {
  try {
    return JSON.parse(event.data) as Record<string, unknown>;
  } catch (error) {
    throw new InternalServerError({
      message: `the upstream sent a stream event that is not JSON: ${event.data.slice(0, 200)}`,
      cause: error,
    });
  }
}

/**
 * Upstream SSE bytes -> OpenAI chunks, read once. Leaving the loop early, or abort(), aborts the
 * upstream request; events after `[DONE]` are ignored.
 */
export function createUpstreamChunkStream<Chunk>(source: UpstreamStreamSource<Chunk>): ChunkStream<Chunk> {
  let isConsumed = false;
  let isStarted = false;
  /** One event's chunks; a chunk that is the event itself keeps its text, so a relay need not serialize it again. */
  function chunksOf(event: SseEvent): Chunk[] {
    const payload = parseEvent(event);
    if (payload.error !== undefined && payload.error !== null) throw source.mapErrorEvent(payload);
    const chunks = source.transformer.push(payload);
    if (chunks.length === 1 && chunks[0] === payload && !event.data.includes("\n")) {
      Object.defineProperty(payload, RAW_JSON, { value: event.data, enumerable: false });
    }
    return chunks;
  }
  async function* iterate(): AsyncGenerator<Chunk> {
    isStarted = true;
    const decoder = new SseDecoder();
    let isDone = false;
    let isComplete = false;
    try {
      for await (const bytes of source.body) {
        if (isDone) continue;
        for (const event of decoder.push(bytes)) {
          if (event.data === "[DONE]") {
            isDone = true;
            break;
          }
          yield* chunksOf(event);
        }
      }
      if (!isDone) {
        for (const event of decoder.flush()) {
          if (event.data === "[DONE]") break;
          yield* chunksOf(event);
        }
      }
      for (const chunk of source.transformer.flush()) yield chunk;
      isComplete = true;
    } catch (error) {
      if (LlmgateError.is(error)) throw error;
      throw source.mapTransportError(error);
    } finally {
      if (!isComplete) source.abort();
      source.onEnd();
    }
  }
  return {
    [Symbol.asyncIterator]() {
      if (isConsumed) throw new Error("this stream has already been read; a stream can be read once");
      isConsumed = true;
      const generator = iterate();
      const finishUnstarted = () => {
        // A generator returned before its first next() never runs its finally: abort here instead.
        if (isStarted) return;
        isStarted = true;
        source.abort();
        source.onEnd();
      };
      return {
        next: () => generator.next(),
        return: (value?: unknown) => {
          finishUnstarted();
          return generator.return(value);
        },
        throw: (error?: unknown) => {
          finishUnstarted();
          return generator.throw(error);
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
    abort(reason) {
      source.abort(reason);
    },
  };
}
