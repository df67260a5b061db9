import { InternalServerError, LlmgateError } from "../errors/index.js";
import { createEventDecoder, type StreamEvent, type StreamFraming } from "../http/event-decoder.js";
import type { StreamTransformer } from "../providers/types.js";
import { flattenBatches } from "./chunk-batches.js";
import { isErrorPayload } from "./error-payload.js";
import { CHUNK_BATCHES, type ChunkStream, LAST_BATCH, RAW_JSON, UNPARSED } from "./types.js";

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
  /**
   * For a relay with a pass-through transformer: events that carry no usage and no error (nearly
   * all of them) are not parsed but passed on as UNPARSED chunks holding their text.
   */
  leavesChunksUnparsed?: boolean;
  /** The most bytes read without completing an event (a line that never ends); default unlimited. */
  maxPendingBytes?: number;
  /** How the body frames its events (default `sse`). */
  framing?: StreamFraming;
}

/** What OpenAI-compatible servers end each chunk with when usage was asked for: a top-level null. */
export const USAGE_NULL_TAIL = ',"usage":null}';

/**
 * Whether an event needs no parsing for a relay: no `"usage"` other than a final top-level null,
 * no `"error"`, one line. (Inside JSON strings quotes are escaped, so neither name can hide there.)
 */
function isPlainChunkText(data: string): boolean {
  // An object's outline at least: a cut-off line (`{"id":"c","cho`) is parsed, and refused.
  if (data.charCodeAt(0) !== 123 || data.charCodeAt(data.length - 1) !== 125) return false;
  if (data.includes('"error"') || data.includes("\n")) return false;
  const usage = data.indexOf('"usage"');
  return usage < 0 || (data.endsWith(USAGE_NULL_TAIL) && usage === data.length - USAGE_NULL_TAIL.length + 1);
}

function parseEvent(event: StreamEvent): Record<string, unknown> {
  try {
    return JSON.parse(event.data) as Record<string, unknown>;
  } catch (error) {
    throw new InternalServerError({
      message: `the upstream sent a stream event that is not JSON: ${event.data.slice(0, 200)}`,
      cause: error,
    });
  }
}

/** How much of a body that is not an event stream is kept, for the error that quotes it. */
const MAX_KEPT_NON_EVENT_CHARS = 65_536;

function eventTooLarge(maxBytes: number): InternalServerError {
  return new InternalServerError({
    message: `the upstream sent more than ${maxBytes} bytes without completing a stream event (the limit of one answer)`,
  });
}

function textOf(bytes: Uint8Array | string): string {
  return typeof bytes === "string"
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/**
 * Upstream SSE bytes -> OpenAI chunks, read once, in batches (one per upstream read) or one by one.
 * Leaving the loop early, or abort(), aborts the upstream request; events after `[DONE]` are ignored.
 */
export function createUpstreamChunkStream<Chunk>(source: UpstreamStreamSource<Chunk>): ChunkStream<Chunk> {
  let batches: AsyncIterator<Chunk[], undefined> | undefined;
  let isStarted = false;
  let hasParsedOne = false;
  /** Adds one event's chunks; a chunk that is the event itself keeps its text, so a relay need not serialize it again. */
  function addChunksOf(event: StreamEvent, batch: Chunk[]): void {
    if (hasParsedOne && source.leavesChunksUnparsed === true && isPlainChunkText(event.data)) {
      batch.push({ [RAW_JSON]: event.data, [UNPARSED]: true } as Chunk);
      return;
    }
    hasParsedOne = true;
    const payload = parseEvent(event);
    if (payload.error !== undefined && payload.error !== null) throw source.mapErrorEvent(payload);
    const chunks = source.transformer.push(payload, event.event);
    if (chunks.length === 1 && chunks[0] === payload && !event.data.includes("\n")) {
      Object.defineProperty(payload, RAW_JSON, { value: event.data, enumerable: false });
    }
    for (const chunk of chunks) batch.push(chunk);
  }
  /** Adds the chunks of some events to `batch`, up to `[DONE]`; returns whether `[DONE]` came. */
  function addEvents(events: StreamEvent[], batch: Chunk[]): boolean {
    for (const event of events) {
      if (event.data === "[DONE]") return true;
      addChunksOf(event, batch);
    }
    return false;
  }
  /**
   * The chunks of one upstream read. The batch that ends the stream (`[DONE]`, or the end of the
   * body) also carries what the transformer held back, and is marked LAST_BATCH. Chunks before a
   * failing event are yielded before the failure.
   */
  async function* batchOf(events: StreamEvent[], isBodyEnd: boolean): AsyncGenerator<Chunk[], boolean> {
    const batch: Chunk[] & { [LAST_BATCH]?: true } = [];
    let isDone = false;
    let failure: { error: unknown } | undefined;
    try {
      isDone = addEvents(events, batch);
      if (isDone || isBodyEnd) {
        for (const chunk of source.transformer.flush()) batch.push(chunk);
        batch[LAST_BATCH] = true;
      }
    } catch (error) {
      failure = { error };
    }
    if (batch.length > 0) yield batch;
    if (failure !== undefined) throw failure.error;
    return isDone;
  }
  async function* iterate(): AsyncGenerator<Chunk[], undefined> {
    isStarted = true;
    const decoder = createEventDecoder(source.framing ?? "sse");
    let isDone = false;
    let isComplete = false;
    /** What came before the first event (kept up to a limit): a body that never becomes one is an error. */
    let beforeFirstEvent: string | undefined = "";
    let pendingBytes = 0;
    const maxPendingBytes = source.maxPendingBytes ?? Number.POSITIVE_INFINITY;
    try {
      // After `[DONE]` the body is still read to its end, so that undici can reuse the connection.
      for await (const bytes of source.body) {
        if (isDone) continue;
        const events = decoder.push(bytes);
        pendingBytes = events.length > 0 ? 0 : pendingBytes + bytes.length;
        if (pendingBytes > maxPendingBytes) throw eventTooLarge(maxPendingBytes);
        if (beforeFirstEvent !== undefined) {
          if (events.length > 0) beforeFirstEvent = undefined;
          else if (beforeFirstEvent.length < MAX_KEPT_NON_EVENT_CHARS) beforeFirstEvent += textOf(bytes);
        }
        isDone = yield* batchOf(events, false);
      }
      if (!isDone) {
        const events = decoder.flush();
        if (events.length === 0 && beforeFirstEvent !== undefined) throw notAnEventStream(beforeFirstEvent);
        yield* batchOf(events, true);
      }
      isComplete = true;
    } catch (error) {
      if (LlmgateError.is(error)) throw error;
      throw source.mapTransportError(error);
    } finally {
      if (!isComplete) source.abort();
      source.onEnd();
    }
  }
  function open(): AsyncIterator<Chunk[], undefined> {
    if (batches !== undefined)
      throw new Error("this stream has already been read; a stream can be read once");
    const generator = iterate();
    const finishUnstarted = () => {
      // A generator returned before its first next() never runs its finally: abort here instead.
      if (isStarted) return;
      isStarted = true;
      source.abort();
      source.onEnd();
    };
    batches = {
      next: () => generator.next(),
      return: () => {
        finishUnstarted();
        return generator.return(undefined);
      },
      throw: (error?: unknown) => {
        finishUnstarted();
        return generator.throw(error);
      },
    };
    return batches;
  }
  /**
   * A stream request answered without any event: an error object (some servers answer so) is
   * that error; anything else (a JSON answer, an HTML page, nothing) must not pass for an empty answer.
   */
  function notAnEventStream(text: string): unknown {
    const trimmed = text.trim();
    let payload: unknown;
    try {
      payload = JSON.parse(trimmed);
    } catch {
      payload = undefined;
    }
    if (isErrorPayload(payload)) return source.mapErrorEvent(payload);
    return new InternalServerError({
      message:
        trimmed === ""
          ? "the upstream ended the stream without sending any event"
          : `the upstream answered a stream request without an event stream: ${trimmed.slice(0, 200)}`,
      body: text,
    });
  }
  return {
    [Symbol.asyncIterator]: () => flattenBatches(open()),
    [CHUNK_BATCHES]: open,
    abort(reason) {
      source.abort(reason);
    },
  };
}
