import { CHUNK_BATCHES, type ChunkStream } from "./types.js";

type Batches<Chunk> = AsyncIterator<Chunk[], undefined>;

const finished = { done: true, value: undefined } as const;

/** A stream's chunks in batches: its own batches, or else one chunk per batch. */
export function chunkBatches<Chunk>(stream: ChunkStream<Chunk>): Batches<Chunk> {
  const ownBatches = stream[CHUNK_BATCHES];
  if (ownBatches !== undefined) return ownBatches.call(stream);
  const chunks = stream[Symbol.asyncIterator]();
  return {
    async next() {
      const result = await chunks.next();
      return result.done === true ? finished : { done: false, value: [result.value] };
    },
    async return() {
      await chunks.return?.();
      return finished;
    },
  };
}

/** Batches back to one chunk at a time; `return()` (a loop left early) is passed on to the batches. */
export function flattenBatches<Chunk>(batches: Batches<Chunk>): AsyncIterableIterator<Chunk> {
  let batch: Chunk[] = [];
  let index = 0;
  return {
    async next(): Promise<IteratorResult<Chunk>> {
      while (index >= batch.length) {
        const result = await batches.next();
        if (result.done === true) return finished;
        batch = result.value;
        index = 0;
      }
      const chunk = batch[index] as Chunk;
      index += 1;
      return { done: false, value: chunk };
    },
    async return(): Promise<IteratorResult<Chunk>> {
      batch = [];
      await batches.return?.();
      return finished;
    },
    async throw(error?: unknown): Promise<IteratorResult<Chunk>> {
      batch = [];
      if (batches.throw === undefined) {
        await batches.return?.();
        throw error;
      }
      await batches.throw(error);
      return finished;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
