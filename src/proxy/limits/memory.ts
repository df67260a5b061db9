import {
  type AcquireResult,
  type LimitCounters,
  type LimitReason,
  type LimitScope,
  type LimitUsage,
  secondsToWindowEnd,
  windowOf,
} from "./types.js";

interface ScopeCounters {
  window: number;
  requests: number;
  tokens: number;
  inFlight: number;
}

/** Counters in this process's memory: exact for one proxy (Node runs the check and take at once). */
export class MemoryLimitCounters implements LimitCounters {
  private readonly counters = new Map<string, ScopeCounters>();

  private countersOf(scopeId: string, window: number): ScopeCounters {
    let counters = this.counters.get(scopeId);
    if (counters === undefined) {
      counters = { window, requests: 0, tokens: 0, inFlight: 0 };
      this.counters.set(scopeId, counters);
    } else if (counters.window !== window) {
      counters.window = window;
      counters.requests = 0;
      counters.tokens = 0;
    }
    return counters;
  }

  async acquire(scopes: readonly LimitScope[], nowMs: number): Promise<AcquireResult> {
    const window = windowOf(nowMs);
    const usage: LimitUsage = { requests: undefined, tokens: undefined };
    let refusal: { scopeId: string; reason: LimitReason; limit: number } | undefined;
    for (const scope of scopes) {
      const counters = this.countersOf(scope.id, window);
      if (scope.rpmLimit !== undefined) {
        const remaining = Math.max(0, scope.rpmLimit - counters.requests - 1);
        if (usage.requests === undefined || remaining < usage.requests.remaining) {
          usage.requests = { limit: scope.rpmLimit, remaining };
        }
        if (counters.requests >= scope.rpmLimit)
          refusal ??= { scopeId: scope.id, reason: "rpm", limit: scope.rpmLimit };
      }
      if (scope.tpmLimit !== undefined) {
        const remaining = Math.max(0, scope.tpmLimit - counters.tokens);
        if (usage.tokens === undefined || remaining < usage.tokens.remaining)
          usage.tokens = { limit: scope.tpmLimit, remaining };
        if (counters.tokens >= scope.tpmLimit)
          refusal ??= { scopeId: scope.id, reason: "tpm", limit: scope.tpmLimit };
      }
      if (scope.maxParallelRequests !== undefined && counters.inFlight >= scope.maxParallelRequests) {
        refusal ??= { scopeId: scope.id, reason: "parallel", limit: scope.maxParallelRequests };
      }
    }
    if (refusal !== undefined) {
      if (usage.requests !== undefined) usage.requests.remaining = 0;
      const retryAfterSeconds = refusal.reason === "parallel" ? 1 : secondsToWindowEnd(nowMs);
      return { ok: false, ...refusal, retryAfterSeconds, ...usage };
    }
    for (const scope of scopes) {
      const counters = this.countersOf(scope.id, window);
      counters.requests++;
      counters.inFlight++;
    }
    return { ok: true, ...usage };
  }

  async release(scopes: readonly LimitScope[]): Promise<void> {
    for (const scope of scopes) {
      const counters = this.counters.get(scope.id);
      if (counters !== undefined && counters.inFlight > 0) counters.inFlight--;
    }
  }

  async addTokens(scopes: readonly LimitScope[], tokens: number, nowMs: number): Promise<void> {
    const window = windowOf(nowMs);
    for (const scope of scopes) this.countersOf(scope.id, window).tokens += tokens;
  }

  async close(): Promise<void> {
    this.counters.clear();
  }
}
