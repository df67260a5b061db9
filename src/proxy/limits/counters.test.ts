import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryLimitCounters } from "./memory.js";
import { RedisLimitCounters } from "./redis.js";
import type { LimitCounters, LimitScope } from "./types.js";

const redis = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
afterAll(async () => {
  redis.disconnect();
});

const NOW = 1_800_000_000_000;

function scope(id: string, limits: Partial<LimitScope>): LimitScope {
  return { id, rpmLimit: undefined, tpmLimit: undefined, maxParallelRequests: undefined, ...limits };
}

const implementations: [string, () => LimitCounters][] = [
  ["memory", () => new MemoryLimitCounters()],
  [
    "redis",
    () => new RedisLimitCounters(redis, `llmgate-test:${process.pid}:${Math.random().toString(36).slice(2)}`),
  ],
];

describe.each(implementations)("%s limit counters", (_name, create) => {
  it("admits rpm_limit requests a minute, refuses the next with a retry-after to the minute's end", async () => {
    const counters = create();
    const key = scope("key:a", { rpmLimit: 3 });
    for (let index = 0; index < 3; index++) {
      const result = await counters.acquire([key], NOW);
      expect(result.ok).toBe(true);
      expect(result.requests).toEqual({ limit: 3, remaining: 2 - index });
    }
    const refused = await counters.acquire([key], NOW + 1000);
    expect(refused).toMatchObject({ ok: false, reason: "rpm", limit: 3, scopeId: "key:a" });
    expect(refused.ok === false && refused.retryAfterSeconds).toBeGreaterThan(0);
    expect((await counters.acquire([key], NOW + 60_000)).ok).toBe(true);
  });

  it("takes every scope's counters or none", async () => {
    const counters = create();
    const key = scope("key:b", { rpmLimit: 10 });
    const team = scope("team:t", { rpmLimit: 1 });
    expect((await counters.acquire([key, team], NOW)).ok).toBe(true);
    expect(await counters.acquire([key, team], NOW)).toMatchObject({ ok: false, scopeId: "team:t" });
    const alone = await counters.acquire([key], NOW);
    expect(alone.requests).toEqual({ limit: 10, remaining: 8 });
  });

  it("limits parallel requests until one is released", async () => {
    const counters = create();
    const key = scope("key:c", { maxParallelRequests: 2 });
    expect((await counters.acquire([key], NOW)).ok).toBe(true);
    expect((await counters.acquire([key], NOW)).ok).toBe(true);
    expect(await counters.acquire([key], NOW)).toMatchObject({ ok: false, reason: "parallel" });
    await counters.release([key]);
    expect((await counters.acquire([key], NOW)).ok).toBe(true);
  });

  it("refuses once the minute's tokens reached tpm_limit (the request that crosses it was served)", async () => {
    const counters = create();
    const key = scope("key:d", { tpmLimit: 100 });
    expect((await counters.acquire([key], NOW)).ok).toBe(true);
    await counters.addTokens([key], 150, NOW);
    expect(await counters.acquire([key], NOW)).toMatchObject({
      ok: false,
      reason: "tpm",
      tokens: { limit: 100, remaining: 0 },
    });
    expect((await counters.acquire([key], NOW + 60_000)).ok).toBe(true);
  });

  it("never admits more than the limit under concurrent acquires", async () => {
    const counters = create();
    const key = scope("key:e", { rpmLimit: 25 });
    const results = await Promise.all(Array.from({ length: 100 }, () => counters.acquire([key], NOW)));
    expect(results.filter((result) => result.ok)).toHaveLength(25);
  });
});

describe("two proxies on one Redis", () => {
  it("share one rpm limit", async () => {
    const prefix = `llmgate-test:shared:${process.pid}:${Math.random().toString(36).slice(2)}`;
    const first = new RedisLimitCounters(redis, prefix);
    const secondConnection = new Redis({ host: "127.0.0.1", port: 6379 });
    const second = new RedisLimitCounters(secondConnection, prefix);
    const key = scope("key:shared", { rpmLimit: 40 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? first : second).acquire([key], NOW)),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(40);
    secondConnection.disconnect();
  });
});
