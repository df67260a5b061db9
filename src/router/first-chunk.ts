import type { ChunkStream } from "../sdk/types.js";

export interface ResumedStreamHooks<Chunk> {
  /** Called once when the stream ends, fails or is abandoned, with the last chunk seen. */
  onEnd(lastChunk: Chunk | undefined): void;
}

/**
 * A stream whose first chunk was already read (so failures before it could be retried): yields that
 * chunk, then the rest. Breaking out of the loop or `abort()` aborts the upstream, as the SDK's does.
 */
export function resumeStream<Chunk>(
  first: IteratorResult<Chunk>,
  iterator: AsyncIterator<Chunk>,
  upstream: ChunkStream<Chunk>,
  hooks: ResumedStreamHooks<Chunk>,
): ChunkStream<Chunk> {
  let consumer: AsyncGenerator<Chunk> | undefined;
  let hasEnded = false;
  let lastChunk: Chunk | undefined;
  const end = () => {
    if (hasEnded) return;
    hasEnded = true;
    hooks.onEnd(lastChunk);
  };
  async function* replay(): AsyncGenerator<Chunk> {
    let isComplete = false;
    try {
      if (first.done === true) {
        isComplete = true;
        return;
      }
      lastChunk = first.value;
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) {
          isComplete = true;
          return;
        }
        lastChunk = next.value;
        yield next.value;
      }
    } finally {
      end();
      if (!isComplete) await iterator.return?.().catch(() => undefined);
    }
  }
  return {
    [Symbol.asyncIterator]() {
      consumer ??= replay();
      return consumer;
    },
    abort(reason?: unknown) {
      upstream.abort(reason);
      end();
    },
  };
}
