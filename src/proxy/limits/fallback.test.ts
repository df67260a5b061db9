import { describe, expect, it } from "vitest";
import { FallbackLimitCounters } from "./fallback.js";
import { MemoryLimitCounters } from "./memory.js";
import type { AcquireResult, LimitCounters, LimitScope } from "./types.js";

const NOW = 1_800_000_000_000;

function scope(limits: Partial<LimitScope>): LimitScope {
  return { id: "key:k", rpmLimit: undefined, tpmLimit: undefined, maxParallelRequests: undefined, ...limits };
}

/** Memory counters that fail every call while `isDown` is true. */
class FlakyCounters implements LimitCounters {
  isDown = false;
  readonly inner = new MemoryLimitCounters();
  private check(): void {
    if (this.isDown) throw new Error("connection refused");
  }
  async acquire(scopes: readonly LimitScope[], nowMs: number): Promise<AcquireResult> {
    this.check();
    return this.inner.acquire(scopes, nowMs);
  }
  async release(scopes: readonly LimitScope[]): Promise<void> {
    this.check();
    return this.inner.release(scopes);
  }
  async addTokens(scopes: readonly LimitScope[], tokens: number, nowMs: number): Promise<void> {
    this.check();
    return this.inner.addTokens(scopes, tokens, nowMs);
  }
  async close(): Promise<void> {}
}

describe("FallbackLimitCounters", () => {
  it("holds the limits in memory while the shared counters fail, and reports the outage once", async () => {
    const shared = new FlakyCounters();
    const events: string[] = [];
    const counters = new FallbackLimitCounters(shared, new MemoryLimitCounters(), () => true, {
      onDegraded: () => events.push("degraded"),
      onRecovered: () => events.push("recovered"),
    });
    const limited = [scope({ rpmLimit: 2 })];
    expect((await counters.acquire(limited, NOW)).ok).toBe(true);
    shared.isDown = true;
    expect((await counters.acquire(limited, NOW)).ok).toBe(true);
    expect((await counters.acquire(limited, NOW)).ok).toBe(true);
    expect(await counters.acquire(limited, NOW)).toMatchObject({ ok: false, reason: "rpm" });
    shared.isDown = false;
    expect(await counters.acquire(limited, NOW)).toMatchObject({ ok: true, requests: { remaining: 0 } });
    expect(events).toEqual(["degraded", "recovered"]);
  });

  it("gives a parallel slot back to the counters that took it", async () => {
    const shared = new FlakyCounters();
    const local = new MemoryLimitCounters();
    let isAvailable = false;
    const counters = new FallbackLimitCounters(shared, local, () => isAvailable);
    const first = [scope({ maxParallelRequests: 1 })];
    expect((await counters.acquire(first, NOW)).ok).toBe(true); // taken locally
    isAvailable = true;
    const second = [scope({ maxParallelRequests: 1 })];
    expect((await counters.acquire(second, NOW)).ok).toBe(true); // taken in the shared counters
    await counters.release(first);
    expect((await local.acquire(first, NOW)).ok).toBe(true);
    expect((await shared.inner.acquire(second, NOW)).ok).toBe(false);
    await counters.release(second);
    expect((await shared.inner.acquire(second, NOW)).ok).toBe(true);
  });
});
