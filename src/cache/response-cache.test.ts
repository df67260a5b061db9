import { describe, expect, it } from "vitest";
import { NO_CONTROLS } from "./controls.js";
import { LocalCacheStore } from "./local-store.js";
import { ResponseCache } from "./response-cache.js";
import { cacheSettingsOf } from "./settings.js";
import type { CacheStore } from "./store.js";

const settings = cacheSettingsOf({}, {}) as NonNullable<ReturnType<typeof cacheSettingsOf>>;
const lookup = { model: "g", body: { messages: [] }, scope: "", controls: NO_CONTROLS };
const flushWrites = () => new Promise((resolve) => setImmediate(resolve));

function brokenStore(): CacheStore {
  const fail = async () => {
    throw new Error("connection refused");
  };
  return {
    type: "redis",
    getMany: fail,
    setMany: fail,
    delete: fail,
    flush: fail,
    ping: fail,
    close: async () => {},
  };
}

describe("ResponseCache", () => {
  it("reads back what it wrote, and counts hits and misses", async () => {
    const counts = { hit: 0, miss: 0 };
    const cache = new ResponseCache(settings, new LocalCacheStore(1e6), undefined, {
      hit: (_operation, count) => {
        counts.hit += count;
      },
      miss: (_operation, count) => {
        counts.miss += count;
      },
    });
    const plan = cache.plan("chat", lookup);
    if (plan === undefined) throw new Error("expected a plan");
    expect(await cache.read(plan)).toEqual([undefined]);
    cache.write(plan, [{ position: 0, body: '{"id":"a"}' }]);
    await flushWrites();
    expect(await cache.read(plan)).toEqual(['{"id":"a"}']);
    expect(counts).toEqual({ hit: 1, miss: 1 });
  });

  it("turns an entry older than s-maxage into a miss", async () => {
    let now = 0;
    const cache = new ResponseCache(settings, new LocalCacheStore(1e6), undefined, {}, () => now);
    const plan = cache.plan("chat", lookup);
    if (plan === undefined) throw new Error("expected a plan");
    cache.write(plan, [{ position: 0, body: "{}" }]);
    await flushWrites();
    now = 5_000;
    const young = cache.plan("chat", { ...lookup, controls: { ...NO_CONTROLS, maxAgeSeconds: 4 } });
    const old = cache.plan("chat", { ...lookup, controls: { ...NO_CONTROLS, maxAgeSeconds: 6 } });
    expect(await cache.read(young as never)).toEqual([undefined]);
    expect(await cache.read(old as never)).toEqual(["{}"]);
  });

  it("answers a failing store with misses, one warning per outage, and an error count each time", async () => {
    const warnings: string[] = [];
    const errors: string[] = [];
    const cache = new ResponseCache(
      settings,
      brokenStore(),
      { warn: (_fields, message) => warnings.push(message) },
      { error: (action) => errors.push(action) },
    );
    const plan = cache.plan("chat", lookup);
    if (plan === undefined) throw new Error("expected a plan");
    expect(await cache.read(plan)).toEqual([undefined]);
    expect(await cache.read(plan)).toEqual([undefined]);
    cache.write(plan, [{ position: 0, body: "{}" }]);
    await flushWrites();
    expect(errors).toEqual(["read", "read", "write"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/response cache unreachable \(connection refused\)/);
    expect(cache.isDown).toBe(true);
  });

  it("applies the mode and use-cache", () => {
    const off = new ResponseCache({ ...settings, mode: "default_off" }, new LocalCacheStore(1e6), undefined);
    expect(off.plan("chat", lookup)).toBeUndefined();
    expect(off.plan("chat", { ...lookup, controls: { ...NO_CONTROLS, useCache: true } })).toBeDefined();
    const on = new ResponseCache(settings, new LocalCacheStore(1e6), undefined);
    expect(on.plan("chat", { ...lookup, controls: { ...NO_CONTROLS, useCache: false } })).toBeUndefined();
  });
});
