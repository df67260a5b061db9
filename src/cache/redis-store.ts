import { Redis, type RedisOptions } from "ioredis";
import type { CacheStore, StoreEntry } from "./store.js";

export type RedisTarget =
  | { url: string }
  | { host: string; port: number; password?: string; username?: string; db?: number; tls?: boolean };

export interface RedisStoreOptions {
  target: RedisTarget;
  /** The config's namespace: flushall always covers it, and remembers the others it wrote in it. */
  namespace: string;
  /** Milliseconds per command before it counts as a miss. */
  commandTimeoutMs: number;
  /** Connection events (down with its reason, up again), for the one warning of an outage. */
  onDown(reason: string): void;
  onUp(): void;
}

/** Glob characters in a namespace match themselves in SCAN's MATCH. */
function globEscaped(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}

/** Only keys whose tail is a 64-hex-digit hash are cache entries: other data under the prefix stays. */
const HASH_GLOB = "[0-9a-f]".repeat(64);

/**
 * The shared cache: values under `<namespace>:<hash>` with their TTL. While Redis is unreachable
 * commands fail at once (no queue), so a request only loses its cache, never waits for Redis.
 */
export class RedisCacheStore implements CacheStore {
  readonly type = "redis";
  readonly #redis: Redis;
  readonly #namespacesKey: string;
  /** Until the first connection succeeds or fails, commands wait for it (up to the timeout). */
  #mayWait = true;

  constructor(private readonly options: RedisStoreOptions) {
    const common: RedisOptions = {
      commandTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      // Reconnect forever, at most every 2 s.
      retryStrategy: (times) => Math.min(times * 100, 2000),
    };
    const target = options.target;
    this.#redis =
      "url" in target
        ? new Redis(target.url, common)
        : new Redis({
            ...common,
            host: target.host,
            port: target.port,
            ...(target.password === undefined ? {} : { password: target.password }),
            ...(target.username === undefined ? {} : { username: target.username }),
            ...(target.db === undefined ? {} : { db: target.db }),
            ...(target.tls === true ? { tls: {} } : {}),
          });
    this.#namespacesKey = `${options.namespace}:namespaces`;
    this.#redis.on("ready", () => {
      this.#mayWait = false;
      options.onUp();
    });
    this.#redis.on("error", (error: Error) => {
      this.#mayWait = false;
      options.onDown(error.message);
    });
    this.#redis.on("close", () => {
      this.#mayWait = false;
    });
    this.#redis.on("end", () => options.onDown("connection closed"));
  }

  /** The client, when it can take a command now; before the first connection commands wait (timeout). */
  #client(): Redis {
    const status = this.#redis.status;
    if (status === "ready" || this.#mayWait) return this.#redis;
    throw new Error(`Redis is not connected (${status})`);
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    const client = this.#client();
    if (keys.length === 1) {
      const value = await client.get(keys[0] as string);
      return [value ?? undefined];
    }
    const values = await client.mget(...keys);
    return values.map((value) => value ?? undefined);
  }

  async setMany(entries: readonly StoreEntry[]): Promise<void> {
    const stored = entries.filter((entry) => entry.ttlSeconds > 0);
    if (stored.length === 0) return;
    const pipeline = this.#client().pipeline();
    const namespaces = new Set<string>();
    for (const entry of stored) {
      pipeline.set(entry.key, entry.value, "PX", Math.max(1, Math.round(entry.ttlSeconds * 1000)));
      if (entry.namespace !== this.options.namespace) namespaces.add(entry.namespace);
    }
    if (namespaces.size > 0) pipeline.sadd(this.#namespacesKey, ...namespaces);
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error !== null) throw error;
  }

  async delete(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.#client().del(...keys);
  }

  async flush(): Promise<void> {
    const client = this.#client();
    const others = await client.smembers(this.#namespacesKey);
    for (const namespace of new Set([this.options.namespace, ...others])) {
      const match = `${globEscaped(namespace)}:${HASH_GLOB}`;
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", match, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await client.unlink(...keys);
      } while (cursor !== "0");
    }
    await client.del(this.#namespacesKey);
  }

  async ping(): Promise<void> {
    await this.#client().ping();
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
