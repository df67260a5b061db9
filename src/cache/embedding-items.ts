/**
 * Embeddings are cached per input item: a batch is split into its items, only the new ones go
 * upstream, and the answer is put back together in the input's order. Pure functions.
 */

type JsonObject = Record<string, unknown>;

export interface EmbeddingItems {
  items: unknown[];
  /** The input was one item (a string, or one list of token ids), not a list of them. */
  isSingle: boolean;
}

/** One cached item: its vector (floats, or base64 text) and the model that made it. */
export interface CachedEmbedding {
  model: unknown;
  embedding: unknown;
}

function isTokenList(value: unknown): boolean {
  return Array.isArray(value) && value.every((token) => typeof token === "number");
}

/** The items of an `input`; undefined for an input the upstream must judge (empty, mixed, ...). */
export function embeddingItemsOf(input: unknown): EmbeddingItems | undefined {
  if (typeof input === "string") return { items: [input], isSingle: true };
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (isTokenList(input)) return { items: [input], isSingle: true };
  if (input.every((item) => typeof item === "string") || input.every(isTokenList))
    return { items: input, isSingle: false };
  return undefined;
}

/** The `input` to send for the items not found: one item as it came, several as a list. */
export function inputOfMissing(items: EmbeddingItems, missing: readonly number[]): unknown {
  if (items.isSingle) return items.items[0];
  return missing.map((position) => items.items[position]);
}

/** The upstream answer's vectors by their position in the request it answered. */
function vectorsOf(response: JsonObject): Map<number, unknown> {
  const vectors = new Map<number, unknown>();
  const data = Array.isArray(response.data) ? response.data : [];
  for (const [position, entry] of data.entries()) {
    if (typeof entry !== "object" || entry === null) continue;
    const item = entry as JsonObject;
    vectors.set(typeof item.index === "number" ? item.index : position, item.embedding);
  }
  return vectors;
}

/** The upstream's vector for each missing item (undefined where it sent none), in `missing` order. */
export function newEmbeddings(response: JsonObject, missing: readonly number[]): CachedEmbedding[] {
  const vectors = vectorsOf(response);
  return missing.map((_position, sent) => ({ model: response.model, embedding: vectors.get(sent) }));
}

/**
 * The whole answer: cached vectors where found, the upstream's for the rest, in input order.
 * Usage is the upstream's (the cached items cost nothing); with no upstream call, zero.
 */
export function mergedEmbeddingResponse(
  found: readonly (CachedEmbedding | undefined)[],
  fetched: readonly CachedEmbedding[],
  missing: readonly number[],
  upstream: JsonObject | undefined,
): JsonObject {
  const byPosition = new Map<number, CachedEmbedding>();
  missing.forEach((position, sent) => {
    const value = fetched[sent];
    if (value !== undefined) byPosition.set(position, value);
  });
  let model: unknown = upstream?.model;
  const data = found.map((cached, position) => {
    const value = cached ?? byPosition.get(position);
    model ??= value?.model;
    return { object: "embedding", index: position, embedding: value?.embedding ?? [] };
  });
  const usage = (upstream?.usage as JsonObject | undefined) ?? { prompt_tokens: 0, total_tokens: 0 };
  return { object: "list", data, model: model ?? null, usage };
}
