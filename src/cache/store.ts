/** Where cached answers live: this process's memory (local) or a Redis several proxies share. */
export interface CacheStore {
  readonly type: "local" | "redis";
  /** The stored values of these keys, in order; undefined where there is none (or it expired). */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores values, each for its own seconds (> 0). */
  setMany(entries: readonly StoreEntry[]): Promise<void>;
  /** Deletes these keys; resolves how many existed. */
  delete(keys: readonly string[]): Promise<number>;
  /** Deletes every cached answer (of every namespace this cache wrote), nothing else. */
  flush(): Promise<void>;
  /** Resolves when the store answers; rejects with the reason when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreEntry {
  key: string;
  value: string;
  ttlSeconds: number;
  /** The namespace the key is in (Redis remembers the namespaces it wrote, for flushall). */
  namespace: string;
}

/** What the local store reports to metrics. */
export interface StoreEvents {
  evicted?(count: number): void;
}
