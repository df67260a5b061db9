import {
  type CacheControls,
  type CachedEmbedding,
  type CachedOperation,
  type CachePlan,
  decodeEmbedding,
  embeddingItemsOf,
  encodeEmbedding,
  inputOfMissing,
  mergedEmbeddingResponse,
  newEmbeddings,
  type ResponseCache,
} from "../cache/index.js";
import { cacheHeaders, cacheScopeOf, StreamCollector } from "./cached-answers.js";
import type { Identity } from "./identity.js";

/** A stored answer that serves the request without the router. */
export interface CacheHit {
  body: string;
  parsed: Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

/**
 * One request's use of the response cache, between the limits and the router: the lookup before
 * (a hit never reaches the router; embeddings ask the router only for the items not found) and
 * the store after a successful answer.
 */
export class CacheUse {
  hit: CacheHit | undefined;
  #found: (CachedEmbedding | undefined)[] = [];
  #missing: number[] = [];
  /** Tells requests waiting for the same key this one's answer (or that there is none). */
  #settle: (body: string | undefined) => void = () => {};
  /** Whether the answer will be settled once stored (not by finish()). */
  #willSettle = false;

  private constructor(
    private readonly cache: ResponseCache,
    readonly plan: CachePlan,
  ) {}

  /** Looks the request up; undefined when the cache does not apply to it. */
  static async start(
    cache: ResponseCache,
    operation: CachedOperation,
    body: JsonObject,
    controls: CacheControls,
    identity: Identity,
  ): Promise<CacheUse | undefined> {
    const items = operation === "embeddings" ? embeddingItemsOf(body.input) : undefined;
    if (operation === "embeddings" && items === undefined) return undefined;
    const lookup = { model: String(body.model), body, scope: cacheScopeOf(identity), controls };
    const plan = cache.plan(operation, lookup, items);
    if (plan === undefined) return undefined;
    const use = new CacheUse(cache, plan);
    const bodies = await cache.read(plan);
    if (items === undefined) {
      const key = plan.storeKeys[0] as string;
      // The same request already on its way upstream in this process: its answer serves this one.
      const pending = plan.canRead ? cache.inFlight.waitFor(key) : undefined;
      const stored = bodies[0] ?? (pending === undefined ? undefined : await pending);
      if (stored !== undefined) {
        try {
          use.hit = { body: stored, parsed: JSON.parse(stored) as JsonObject };
          return use;
        } catch {
          // A damaged entry is a miss; the fresh answer replaces it.
        }
      }
      if (plan.canWrite) use.#settle = cache.inFlight.lead(key);
      return use;
    }
    use.#found = bodies.map(decodeEmbedding);
    use.#missing = use.#found.flatMap((value, position) => (value === undefined ? [position] : []));
    if (use.#missing.length === 0) {
      const merged = mergedEmbeddingResponse(use.#found, [], [], undefined);
      use.hit = { body: JSON.stringify(merged), parsed: merged };
    } else if (use.#missing.length < items.items.length) {
      // Only the new items go upstream.
      body.input = inputOfMissing(items, use.#missing);
    }
    return use;
  }

  headers(): Record<string, string> {
    const headers = cacheHeaders(this.plan, this.hit !== undefined);
    if (this.plan.operation === "embeddings" && this.plan.keys.length > 1) {
      headers["x-llmgate-cache-items-hit"] =
        `${this.plan.keys.length - this.#missing.length}/${this.plan.keys.length}`;
    }
    return headers;
  }

  /** Whether the upstream answered only part of the input (its answer must be merged before sending). */
  get isPartial(): boolean {
    return this.#missing.length > 0 && this.#missing.length < this.plan.keys.length;
  }

  /**
   * A successful answer: stored (after the response is sent). For a partial embeddings batch,
   * returns the merged answer to send instead of the upstream's.
   */
  answered(rawBody: string | Buffer | undefined, data: () => unknown): JsonObject | undefined {
    const { plan, cache } = this;
    if (plan.operation !== "embeddings") {
      if (plan.canWrite) {
        this.#willSettle = true;
        setImmediate(() => {
          const body = rawBody === undefined ? JSON.stringify(data()) : rawBody.toString();
          this.#settle(body);
          cache.write(plan, [{ position: 0, body }]);
        });
      }
      return undefined;
    }
    const store = (upstream: JsonObject) => {
      if (!plan.canWrite) return;
      const fetched = newEmbeddings(upstream, this.#missing);
      const bodies = fetched.flatMap((value, sent) =>
        value.embedding === undefined
          ? []
          : [{ position: this.#missing[sent] as number, body: encodeEmbedding(value) }],
      );
      cache.write(plan, bodies);
    };
    if (!this.isPartial) {
      setImmediate(() => store(data() as JsonObject));
      return undefined;
    }
    const upstream = data() as JsonObject;
    const merged = mergedEmbeddingResponse(
      this.#found,
      newEmbeddings(upstream, this.#missing),
      this.#missing,
      upstream,
    );
    setImmediate(() => store(upstream));
    return merged;
  }

  /** For a stream: what keeps its chunks, to store the answer once it completed. */
  collector(): StreamCollector | undefined {
    if (!this.plan.canWrite) return undefined;
    return new StreamCollector(this.cache, this.plan, (body) => this.#settle(body));
  }

  /** After the response (stored or not): requests waiting for this one's answer are not left waiting. */
  finish(): void {
    if (!this.#willSettle) this.#settle(undefined);
  }

  /** A completed stream will be stored: its answer settles the waiting requests then. */
  storeStream(collector: StreamCollector | undefined): void {
    if (collector === undefined) return;
    this.#willSettle = true;
    collector.store();
  }
}
