import { describe, expect, it } from "vitest";
import { LocalCacheStore } from "./local-store.js";

const entry = (key: string, value: string, ttlSeconds = 60) => ({ key, value, ttlSeconds, namespace: "n" });

describe("LocalCacheStore", () => {
  it("returns what it stored until its TTL ends", async () => {
    let now = 1_000;
    const store = new LocalCacheStore(1_000_000, {}, () => now);
    await store.setMany([entry("a", "1", 2)]);
    expect(await store.getMany(["a", "b"])).toEqual(["1", undefined]);
    now += 2_001;
    expect(await store.getMany(["a"])).toEqual([undefined]);
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it("evicts the least recently used entries to stay within its bytes, and counts them", async () => {
    const evictions: number[] = [];
    const value = "x".repeat(100);
    // Room for two entries of about 300 bytes each.
    const store = new LocalCacheStore(700, { evicted: (count) => evictions.push(count) });
    await store.setMany([entry("a", value), entry("b", value)]);
    await store.getMany(["a"]);
    await store.setMany([entry("c", value)]);
    expect(await store.getMany(["a", "b", "c"])).toEqual([value, undefined, value]);
    expect(evictions).toEqual([1]);
    expect(store.bytes).toBeLessThanOrEqual(700);
  });

  it("never stores an entry larger than the whole cache, or with a TTL of 0", async () => {
    const store = new LocalCacheStore(100);
    await store.setMany([entry("big", "x".repeat(200)), entry("zero", "v", 0)]);
    expect(store.size).toBe(0);
  });

  it("replaces, deletes and flushes", async () => {
    const store = new LocalCacheStore(10_000);
    await store.setMany([entry("a", "1"), entry("a", "2"), entry("b", "3")]);
    expect(await store.getMany(["a"])).toEqual(["2"]);
    expect(await store.delete(["a", "missing"])).toBe(1);
    await store.flush();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });
});
