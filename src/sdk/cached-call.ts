import type { CachedOperation } from "../cache/cache-key.js";
import { type CacheControls, takeCacheControls } from "../cache/controls.js";
import {
  embeddingItemsOf,
  inputOfMissing,
  mergedEmbeddingResponse,
  newEmbeddings,
} from "../cache/embedding-items.js";
import {
  type CachePlan,
  decodeEmbedding,
  encodeEmbedding,
  type ResponseCache,
} from "../cache/response-cache.js";
import { chatCompletionOfChunks, textCompletionOfChunks } from "../cache/stream-assembly.js";
import { chatCompletionChunksOf, textCompletionChunksOf } from "../cache/stream-replay.js";
import type { Operation, OperationTypes } from "../providers/types.js";
import { currentCache } from "./cache.js";
import { type CallContext, call } from "./call.js";
import type { CallParams, ChunkStream } from "./types.js";

type JsonObject = Record<string, unknown>;
type Answer<K extends Operation> = OperationTypes[K]["response"] | ChunkStream<OperationTypes[K]["chunk"]>;

/** What answers a request the cache did not: one provider call (the SDK), or a routed one (the Router). */
export type Sender = <K extends CachedOperation>(operation: K, params: CallParams<K>) => Promise<Answer<K>>;

function isStreamAnswer<K extends Operation>(
  answer: Answer<K>,
): answer is ChunkStream<OperationTypes[K]["chunk"]> {
  return typeof answer === "object" && answer !== null && Symbol.asyncIterator in answer;
}

/** The SDK's own sender: one call to the provider the model names. */
function providerSender(context: CallContext | undefined): Sender {
  return async (operation, params) => {
    const result = await call(operation, params, context);
    if (result.kind === "stream" && operation === "embeddings")
      throw new TypeError("embeddings do not stream");
    return result.kind === "stream" ? result.stream : result.data;
  };
}

/** A replayed answer as the SDK's streams are: an async iterable read once, `abort()` ends it. */
function replayStream<Chunk>(chunks: readonly Chunk[]): ChunkStream<Chunk> {
  let isAborted = false;
  return {
    abort: () => {
      isAborted = true;
    },
    async *[Symbol.asyncIterator]() {
      for (const chunk of chunks) {
        if (isAborted) return;
        yield chunk;
      }
    },
  };
}

/** Passes a stream through, keeping its chunks; stores the answer once the stream ended normally. */
function storingStream<Chunk>(
  stream: ChunkStream<Chunk>,
  store: (chunks: unknown[]) => void,
): ChunkStream<Chunk> {
  return {
    abort: (reason) => stream.abort(reason),
    async *[Symbol.asyncIterator]() {
      const chunks: unknown[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        yield chunk;
      }
      store(chunks);
    },
  };
}

async function read(cache: ResponseCache, plan: CachePlan): Promise<(string | undefined)[]> {
  return cache.read(plan);
}

/** A chat or text completion through the cache. */
async function completionThroughCache<K extends "chat" | "completions">(
  cache: ResponseCache,
  operation: K,
  params: CallParams<K>,
  controls: CacheControls,
  send: Sender,
): Promise<Answer<K>> {
  const body = params as unknown as JsonObject;
  const plan = cache.plan(operation, { model: String(body.model), body, scope: "", controls });
  const isStream = body.stream === true;
  if (plan !== undefined) {
    const stored = (await read(cache, plan))[0];
    if (stored !== undefined) {
      const parsed = JSON.parse(stored) as JsonObject;
      if (!isStream) return parsed as OperationTypes[K]["response"];
      const includeUsage =
        (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
      const chunks =
        operation === "chat"
          ? chatCompletionChunksOf(parsed, includeUsage)
          : textCompletionChunksOf(parsed, includeUsage);
      return replayStream(chunks) as ChunkStream<OperationTypes[K]["chunk"]>;
    }
  }
  const answer = await send(operation, params);
  if (!isStreamAnswer(answer)) {
    if (plan !== undefined) cache.write(plan, [{ position: 0, body: JSON.stringify(answer) }]);
    return answer;
  }
  if (plan === undefined || !plan.canWrite) return answer;
  return storingStream(answer, (chunks) => {
    const assembled = operation === "chat" ? chatCompletionOfChunks(chunks) : textCompletionOfChunks(chunks);
    if (assembled !== undefined) cache.write(plan, [{ position: 0, body: JSON.stringify(assembled) }]);
  });
}

/** Embeddings through the cache, item by item: only the items not found are sent. */
async function embeddingThroughCache(
  cache: ResponseCache,
  params: CallParams<"embeddings">,
  controls: CacheControls,
  send: Sender,
): Promise<OperationTypes["embeddings"]["response"]> {
  const body = params as unknown as JsonObject;
  const items = embeddingItemsOf(body.input);
  const plan =
    items === undefined
      ? undefined
      : cache.plan("embeddings", { model: String(body.model), body, scope: "", controls }, items);
  if (plan === undefined || items === undefined) return callEmbedding(params, send);
  const found = (await read(cache, plan)).map(decodeEmbedding);
  const missing = found.flatMap((value, position) => (value === undefined ? [position] : []));
  if (missing.length === 0)
    return mergedEmbeddingResponse(
      found,
      [],
      [],
      undefined,
    ) as unknown as OperationTypes["embeddings"]["response"];
  const sent =
    missing.length === items.items.length ? params : { ...params, input: inputOfMissing(items, missing) };
  const upstream = (await callEmbedding(sent as CallParams<"embeddings">, send)) as unknown as JsonObject;
  const fetched = newEmbeddings(upstream, missing);
  cache.write(
    plan,
    fetched.flatMap((value, index) =>
      value.embedding === undefined
        ? []
        : [{ position: missing[index] as number, body: encodeEmbedding(value) }],
    ),
  );
  if (missing.length === items.items.length)
    return upstream as unknown as OperationTypes["embeddings"]["response"];
  return mergedEmbeddingResponse(
    found,
    fetched,
    missing,
    upstream,
  ) as unknown as OperationTypes["embeddings"]["response"];
}

async function callEmbedding(
  params: CallParams<"embeddings">,
  send: Sender,
): Promise<OperationTypes["embeddings"]["response"]> {
  const answer = await send("embeddings", params);
  if (isStreamAnswer(answer)) throw new TypeError("embeddings do not stream");
  return answer;
}

/**
 * The SDK's entry points (and the Router's) with the cache set by setCache(): the params' `cache`
 * controls are read (and never sent upstream); without a cache the call goes straight through.
 * A Router's entries are keyed by its model group names, as the params name them.
 */
export async function callThroughCache<K extends CachedOperation>(
  operation: K,
  params: CallParams<K>,
  context: CallContext | undefined,
  send: Sender = providerSender(context),
): Promise<Answer<K>> {
  const pending = currentCache();
  const request = { ...params } as unknown as JsonObject;
  const controls = takeCacheControls(request);
  const cache = pending === undefined ? undefined : await pending;
  const cleaned = request as unknown as CallParams<K>;
  if (cache === undefined) {
    if (operation === "embeddings")
      return (await callEmbedding(cleaned as CallParams<"embeddings">, send)) as Answer<K>;
    return send(operation, cleaned);
  }
  if (operation === "embeddings")
    return (await embeddingThroughCache(
      cache,
      cleaned as CallParams<"embeddings">,
      controls,
      send,
    )) as Answer<K>;
  return completionThroughCache(
    cache,
    operation as "chat" | "completions",
    cleaned as never,
    controls,
    send,
  ) as Promise<Answer<K>>;
}
