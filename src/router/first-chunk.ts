import { flattenBatches } from "../sdk/chunk-batches.js";
import { CHUNK_BATCHES, type ChunkStream } from "../sdk/types.js";

export interface ResumedStreamHooks<Chunk> {
  /** Called once when the stream ends, fails or is abandoned, with the last chunk seen. */
  onEnd(lastChunk: Chunk | undefined): void;
}

/**
 * A stream whose first batch of chunks was already read (so failures before it could be retried):
 * yields that batch, then the rest. Breaking out of the loop or `abort()` aborts the upstream, as the
 * SDK's does.
 */
export function resumeStream<Chunk>(
  first: IteratorResult<Chunk[], undefined>,
  batches: AsyncIterator<Chunk[], undefined>,
  upstream: ChunkStream<Chunk>,
  hooks: ResumedStreamHooks<Chunk>,
): ChunkStream<Chunk> {
  let consumer: AsyncGenerator<Chunk[], undefined> | undefined;
  let hasEnded = false;
  let lastChunk: Chunk | undefined;
  const end = () => {
    if (hasEnded) return;
    hasEnded = true;
    hooks.onEnd(lastChunk);
  };
  async function* replay(): AsyncGenerator<Chunk[], undefined> {
    let isComplete = false;
    try {
      for (let next = first; next.done !== true; next = await batches.next()) {
        lastChunk = next.value[next.value.length - 1];
        yield next.value;
      }
      isComplete = true;
    } finally {
      end();
      if (!isComplete) await batches.return?.().catch(() => undefined);
    }
    return undefined;
  }
  const open = () => {
    consumer ??= replay();
    return consumer;
  };
  return {
    [Symbol.asyncIterator]: () => flattenBatches(open()),
    [CHUNK_BATCHES]: open,
    abort(reason?: unknown) {
      upstream.abort(reason);
      end();
    },
  };
}
