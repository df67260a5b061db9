import type { ChatCompletionChunk } from "../../openai/types.js";
import { chunkBatches, flattenBatches } from "../../sdk/chunk-batches.js";
import { CHUNK_BATCHES, type ChunkStream, LAST_BATCH, RAW_JSON, UNPARSED } from "../../sdk/types.js";
import type { ChatToAnthropicEvents } from "./stream-events.js";
import type { StreamEvent } from "./wire.js";

type Batch = StreamEvent[] & { [LAST_BATCH]?: true };

const finished = { done: true, value: undefined } as const;

/** A chunk the SDK left unparsed for a relay holds only its JSON text: parse it here. */
function parsedChunk(chunk: ChatCompletionChunk): ChatCompletionChunk {
  const fields = chunk as ChatCompletionChunk & { [UNPARSED]?: true; [RAW_JSON]?: string };
  const raw = fields[RAW_JSON];
  return fields[UNPARSED] === true && raw !== undefined ? (JSON.parse(raw) as ChatCompletionChunk) : chunk;
}

/**
 * A chat chunk stream -> a stream of Anthropic events, batch for batch (one batch per upstream
 * read, as the relay writes them). Breaking out, or abort(), aborts the chat stream and its upstream.
 */
export function toEventStream(
  chat: ChunkStream<ChatCompletionChunk>,
  transformer: ChatToAnthropicEvents,
): ChunkStream<StreamEvent> {
  let batches: AsyncIterator<StreamEvent[], undefined> | undefined;
  function open(): AsyncIterator<StreamEvent[], undefined> {
    if (batches !== undefined)
      throw new Error("this stream has already been read; a stream can be read once");
    const source = chunkBatches(chat);
    let isDone = false;
    batches = {
      async next() {
        while (!isDone) {
          const result = await source.next();
          if (result.done === true) {
            isDone = true;
            const tail: Batch = transformer.flush();
            tail[LAST_BATCH] = true;
            return tail.length > 0 ? { done: false, value: tail } : finished;
          }
          const events: Batch = [];
          for (const chunk of result.value) events.push(...transformer.push(parsedChunk(chunk)));
          if ((result.value as { [LAST_BATCH]?: true })[LAST_BATCH] === true) {
            isDone = true;
            events.push(...transformer.flush());
            events[LAST_BATCH] = true;
          }
          if (events.length > 0) return { done: false, value: events };
        }
        // After the last batch the chat stream still reads its upstream's last bytes.
        await source.next();
        return finished;
      },
      async return() {
        await source.return?.();
        return finished;
      },
    };
    return batches;
  }
  return {
    [Symbol.asyncIterator]: () => flattenBatches(open()),
    [CHUNK_BATCHES]: open,
    abort(reason) {
      chat.abort(reason);
    },
  };
}
