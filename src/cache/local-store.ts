import type { CacheStore, StoreEntry, StoreEvents } from "./store.js";

interface LocalEntry {
  value: string;
  expiresAt: number;
  bytes: number;
}

/** What an entry costs beyond its text: the map slot, the entry object, the key's string header. */
const ENTRY_OVERHEAD_BYTES = 96;

/** Bytes of memory an entry takes, about: JavaScript strings are up to 2 bytes a character. */
function sizeOf(key: string, value: string): number {
  return 2 * (key.length + value.length) + ENTRY_OVERHEAD_BYTES;
}

/**
 * The in-process cache: an LRU bounded by bytes (a Map keeps insertion order; a read moves the
 * entry to the end, eviction takes from the front). Expired entries go on read or when evicted.
 */
export class LocalCacheStore implements CacheStore {
  readonly type = "local";
  readonly #entries = new Map<string, LocalEntry>();
  #bytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly events: StoreEvents = {},
    private readonly now: () => number = Date.now,
  ) {}

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  getSync(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#remove(key, entry);
      return undefined;
    }
    // Most recently used last.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => this.getSync(key));
  }

  setSync(key: string, value: string, ttlSeconds: number): void {
    const bytes = sizeOf(key, value);
    const old = this.#entries.get(key);
    if (old !== undefined) this.#remove(key, old);
    if (bytes > this.maxBytes || ttlSeconds <= 0) return;
    this.#entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000, bytes });
    this.#bytes += bytes;
    let evicted = 0;
    while (this.#bytes > this.maxBytes) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      const entry = this.#entries.get(oldest.value) as LocalEntry;
      this.#remove(oldest.value, entry);
      evicted++;
    }
    if (evicted > 0) this.events.evicted?.(evicted);
  }

  async setMany(entries: readonly StoreEntry[]): Promise<void> {
    for (const entry of entries) this.setSync(entry.key, entry.value, entry.ttlSeconds);
  }

  async delete(keys: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry === undefined) continue;
      this.#remove(key, entry);
      deleted++;
    }
    return deleted;
  }

  async flush(): Promise<void> {
    this.#entries.clear();
    this.#bytes = 0;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    await this.flush();
  }

  #remove(key: string, entry: LocalEntry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
