import { answerFields, type CachedOperation, cacheKeyOf, namespacedKey } from "./cache-key.js";
import type { CacheControls } from "./controls.js";
import type { CachedEmbedding, EmbeddingItems } from "./embedding-items.js";
import { InFlight } from "./in-flight.js";
import type { CacheSettings } from "./settings.js";
import type { CacheStore, StoreEntry } from "./store.js";

/** What the cache reports: to Prometheus in the proxy, to nothing in the SDK. */
export interface CacheObserver {
  hit?(operation: CachedOperation, count: number): void;
  miss?(operation: CachedOperation, count: number): void;
  /** A store error (the request went on without the cache). */
  error?(action: "read" | "write" | "delete" | "flush"): void;
}

export interface CacheLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info?(fields: Record<string, unknown>, message: string): void;
}

/** How one request uses the cache. */
export interface CachePlan {
  operation: CachedOperation;
  /** The hash (what `x-llmgate-cache-key` shows); for embeddings, one per input item. */
  keys: string[];
  /** The keys as stored: `<namespace>:<hash>`. */
  storeKeys: string[];
  namespace: string;
  canRead: boolean;
  canWrite: boolean;
  ttlSeconds: number;
  maxAgeSeconds: number | undefined;
  /** For embeddings: the input's items. */
  items?: EmbeddingItems;
}

export interface CacheLookup {
  model: string;
  body: Readonly<Record<string, unknown>>;
  /** Who may share an answer: a team or a key; "" for everyone. */
  scope: string;
  controls: CacheControls;
}

/** Stored as `<created ms>:<body>`: the age check needs no JSON parse. */
function encodeEntry(createdAt: number, body: string): string {
  return `${createdAt}:${body}`;
}

function decodeEntry(value: string): { createdAt: number; body: string } | undefined {
  const colon = value.indexOf(":");
  const createdAt = Number(value.slice(0, colon));
  return colon > 0 && Number.isFinite(createdAt) ? { createdAt, body: value.slice(colon + 1) } : undefined;
}

/**
 * The response cache: which requests it serves, their keys, reads and writes to the store. A
 * failing store is a miss (one warning per outage, a metric each time), never a failed request.
 */
export class ResponseCache {
  #isDown = false;
  /** Requests of this process getting an answer now, by stored key (the others wait for it). */
  readonly inFlight = new InFlight();

  constructor(
    readonly settings: CacheSettings,
    readonly store: CacheStore,
    private readonly logger: CacheLogger | undefined,
    private readonly observer: CacheObserver = {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the store failed last time it was used (until it answers again). */
  get isDown(): boolean {
    return this.#isDown;
  }

  get type(): "local" | "redis" {
    return this.store.type;
  }

  /** The request's plan, or undefined when the cache does not apply (operation, mode, `use-cache`). */
  plan(operation: CachedOperation, lookup: CacheLookup, items?: EmbeddingItems): CachePlan | undefined {
    const { settings } = this;
    const { controls } = lookup;
    if (!settings.operations.has(operation)) return undefined;
    if (settings.mode === "default_off" ? controls.useCache !== true : controls.useCache === false)
      return undefined;
    const scope = settings.sharedAcrossTeams ? "" : lookup.scope;
    const namespace = controls.namespace ?? settings.namespace;
    let keys: string[];
    if (operation === "embeddings" && items !== undefined) {
      const fields = answerFields(lookup.body, "input");
      keys = items.items.map((item) =>
        cacheKeyOf({ operation, modelGroup: lookup.model, scope, fields, item }),
      );
    } else {
      const fields = answerFields(lookup.body);
      keys = [cacheKeyOf({ operation, modelGroup: lookup.model, scope, fields })];
    }
    const ttlSeconds = controls.ttlSeconds ?? settings.ttlSeconds;
    return {
      operation,
      keys,
      storeKeys: keys.map((key) => namespacedKey(namespace, key)),
      namespace,
      canRead: !controls.noCache,
      canWrite: !controls.noStore && ttlSeconds > 0,
      ttlSeconds,
      maxAgeSeconds: controls.maxAgeSeconds,
      ...(items === undefined ? {} : { items }),
    };
  }

  /** The stored bodies of the plan's keys (undefined: none, too old, or the store failed). */
  async read(plan: CachePlan): Promise<(string | undefined)[]> {
    if (!plan.canRead) {
      this.observer.miss?.(plan.operation, plan.keys.length);
      return plan.keys.map(() => undefined);
    }
    let values: (string | undefined)[];
    try {
      values = await this.store.getMany(plan.storeKeys);
      this.up();
    } catch (error) {
      this.failed("read", error);
      values = plan.keys.map(() => undefined);
    }
    const oldest = plan.maxAgeSeconds === undefined ? undefined : this.now() - plan.maxAgeSeconds * 1000;
    const bodies = values.map((value) => {
      const entry = value === undefined ? undefined : decodeEntry(value);
      if (entry === undefined || (oldest !== undefined && entry.createdAt < oldest)) return undefined;
      return entry.body;
    });
    const hits = bodies.filter((body) => body !== undefined).length;
    if (hits > 0) this.observer.hit?.(plan.operation, hits);
    if (hits < bodies.length) this.observer.miss?.(plan.operation, bodies.length - hits);
    return bodies;
  }

  /** Stores answers (one per key given, by position in `plan.keys`), off the request's path. */
  write(plan: CachePlan, bodies: ReadonlyArray<{ position: number; body: string }>): void {
    if (!plan.canWrite || bodies.length === 0) return;
    const createdAt = this.now();
    const entries: StoreEntry[] = bodies.map(({ position, body }) => ({
      key: plan.storeKeys[position] as string,
      value: encodeEntry(createdAt, body),
      ttlSeconds: plan.ttlSeconds,
      namespace: plan.namespace,
    }));
    this.store.setMany(entries).then(
      () => this.up(),
      (error: unknown) => this.failed("write", error),
    );
  }

  /** Deletes entries by hash (in the config's namespace) or by their full stored key. */
  async delete(keys: readonly string[]): Promise<number> {
    const names = new Set<string>();
    for (const key of keys) {
      names.add(namespacedKey(this.settings.namespace, key));
      names.add(key);
    }
    try {
      return await this.store.delete([...names]);
    } catch (error) {
      this.failed("delete", error);
      throw error;
    }
  }

  async flush(): Promise<void> {
    try {
      await this.store.flush();
    } catch (error) {
      this.failed("flush", error);
      throw error;
    }
  }

  ping(): Promise<void> {
    return this.store.ping();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** The store is unreachable: one warning until it is back. */
  down(reason: string): void {
    if (this.#isDown) return;
    this.#isDown = true;
    this.logger?.warn(
      { reason, cacheType: this.store.type },
      `response cache unreachable (${reason}): requests are answered without the cache until it is back`,
    );
  }

  up(): void {
    if (!this.#isDown) return;
    this.#isDown = false;
    const message = "response cache reachable again";
    if (this.logger?.info !== undefined) this.logger.info({ cacheType: this.store.type }, message);
    else this.logger?.warn({ cacheType: this.store.type }, message);
  }

  private failed(action: "read" | "write" | "delete" | "flush", error: unknown): void {
    this.observer.error?.(action);
    this.down(error instanceof Error ? error.message : String(error));
  }
}

/** An embedding item as stored. */
export function encodeEmbedding(value: CachedEmbedding): string {
  return JSON.stringify(value);
}

export function decodeEmbedding(body: string | undefined): CachedEmbedding | undefined {
  if (body === undefined) return undefined;
  try {
    const value = JSON.parse(body) as CachedEmbedding;
    return value.embedding === undefined ? undefined : value;
  } catch {
    return undefined;
  }
}
