import type { AcquireResult, LimitCounters, LimitScope } from "./types.js";

export interface FallbackEvents {
  /** The shared counters failed: limits are now held by this proxy alone. Called once per outage. */
  onDegraded?: (error: unknown) => void;
  /** The shared counters answer again. */
  onRecovered?: () => void;
}

/**
 * Shared counters (Redis) with this proxy's memory as the fallback: while Redis is unreachable the
 * limits are enforced per proxy instead of failing every limited request. `isAvailable` lets calls
 * skip a Redis known to be down (no wait on its reconnection). A release goes to the counters that
 * took the slot: admission passes the same `scopes` array to `acquire` and `release`.
 */
export class FallbackLimitCounters implements LimitCounters {
  private readonly takenLocally = new WeakSet<readonly LimitScope[]>();
  private isDegraded = false;

  constructor(
    private readonly shared: LimitCounters,
    private readonly local: LimitCounters,
    private readonly isAvailable: () => boolean,
    private readonly events: FallbackEvents = {},
  ) {}

  private degrade(error: unknown): void {
    if (this.isDegraded) return;
    this.isDegraded = true;
    this.events.onDegraded?.(error);
  }

  private recover(): void {
    if (!this.isDegraded) return;
    this.isDegraded = false;
    this.events.onRecovered?.();
  }

  async acquire(scopes: readonly LimitScope[], nowMs: number): Promise<AcquireResult> {
    if (this.isAvailable()) {
      try {
        const result = await this.shared.acquire(scopes, nowMs);
        this.recover();
        return result;
      } catch (error) {
        this.degrade(error);
      }
    } else {
      this.degrade(new Error("the shared limit counters are not connected"));
    }
    const result = await this.local.acquire(scopes, nowMs);
    if (result.ok) this.takenLocally.add(scopes);
    return result;
  }

  async release(scopes: readonly LimitScope[]): Promise<void> {
    if (this.takenLocally.delete(scopes)) return this.local.release(scopes);
    try {
      await this.shared.release(scopes);
    } catch {
      // The in-flight count in Redis expires on its own (IN_FLIGHT_TTL_SECONDS).
    }
  }

  async addTokens(scopes: readonly LimitScope[], tokens: number, nowMs: number): Promise<void> {
    if (this.isAvailable()) {
      try {
        await this.shared.addTokens(scopes, tokens, nowMs);
        return;
      } catch (error) {
        this.degrade(error);
      }
    }
    await this.local.addTokens(scopes, tokens, nowMs);
  }

  async close(): Promise<void> {
    await Promise.all([this.shared.close(), this.local.close()]);
  }
}
