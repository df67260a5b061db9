import type { ResponseStreamEvent } from "../../openai/responses.js";
import type { ChatCompletionChunk } from "../../openai/types.js";
import { chunkBatches, flattenBatches } from "../../sdk/chunk-batches.js";
import { CHUNK_BATCHES, type ChunkStream, RAW_JSON, UNPARSED } from "../../sdk/types.js";
import type { ResponseEventTransformer } from "./chat-stream-events.js";

type MaybeUnparsed = ChatCompletionChunk & { [RAW_JSON]?: string; [UNPARSED]?: true };

/** A chunk a relay's SDK call left unparsed (CallContext.parseLazily) is parsed here: its text is read. */
function parsedChunk(chunk: MaybeUnparsed): ChatCompletionChunk {
  const raw = chunk[RAW_JSON];
  return chunk[UNPARSED] === true && raw !== undefined ? (JSON.parse(raw) as ChatCompletionChunk) : chunk;
}

/**
 * A chat chunk stream as a stream of Responses events, batch for batch (one upstream read stays
 * one batch). The end of the chunks is the end of the response: response.completed. A failure
 * of the chunk stream is thrown as it came; the caller decides how to show it.
 */
export function toResponseEventStream(
  chunks: ChunkStream<ChatCompletionChunk>,
  transformer: ResponseEventTransformer,
): ChunkStream<ResponseStreamEvent> {
  let isOpened = false;
  const open = (): AsyncIterator<ResponseStreamEvent[], undefined> => {
    if (isOpened) throw new Error("this stream has already been read; a stream can be read once");
    isOpened = true;
    const batches = chunkBatches(chunks);
    let isFlushed = false;
    return {
      async next() {
        for (;;) {
          if (isFlushed) return { done: true, value: undefined };
          const result = await batches.next();
          const events: ResponseStreamEvent[] = [];
          if (result.done === true) {
            isFlushed = true;
            events.push(...transformer.flush());
          } else {
            for (const chunk of result.value) events.push(...transformer.push(parsedChunk(chunk)));
          }
          if (events.length > 0) return { done: false, value: events };
        }
      },
      async return() {
        await batches.return?.();
        return { done: true, value: undefined };
      },
    };
  };
  return {
    [CHUNK_BATCHES]: open,
    [Symbol.asyncIterator]: () => flattenBatches(open()),
    abort(reason) {
      chunks.abort(reason);
    },
  };
}
