import type { DeploymentUsage, RouterState } from "./router-state.js";

interface Counters extends DeploymentUsage {
  minute: number;
  failureMinute: number;
  failures: number;
}

/** The state of one process. Reads return the live counters: no allocation per deployment. */
export class MemoryRouterState implements RouterState {
  private readonly counters = new Map<string, Counters>();

  private countersOf(id: string, minute: number): Counters {
    let counters = this.counters.get(id);
    if (counters === undefined) {
      counters = {
        cooldownUntil: 0,
        inFlight: 0,
        requests: 0,
        tokens: 0,
        minute,
        failureMinute: minute,
        failures: 0,
      };
      this.counters.set(id, counters);
    } else if (counters.minute !== minute && minute > counters.minute) {
      counters.minute = minute;
      counters.requests = 0;
      counters.tokens = 0;
    }
    return counters;
  }

  async read(ids: readonly string[], minute: number): Promise<readonly DeploymentUsage[]> {
    const usage: DeploymentUsage[] = new Array(ids.length);
    for (let index = 0; index < ids.length; index++) usage[index] = this.countersOf(ids[index] ?? "", minute);
    return usage;
  }

  async startRequest(id: string, minute: number): Promise<number> {
    const counters = this.countersOf(id, minute);
    counters.inFlight++;
    return ++counters.requests;
  }

  async cancelRequest(id: string, minute: number): Promise<void> {
    const counters = this.countersOf(id, minute);
    counters.inFlight = Math.max(0, counters.inFlight - 1);
    counters.requests = Math.max(0, counters.requests - 1);
  }

  async endRequest(id: string): Promise<void> {
    const counters = this.counters.get(id);
    if (counters !== undefined) counters.inFlight = Math.max(0, counters.inFlight - 1);
  }

  async addTokens(id: string, minute: number, tokens: number): Promise<void> {
    this.countersOf(id, minute).tokens += tokens;
  }

  async recordFailure(id: string, minute: number): Promise<number> {
    const counters = this.countersOf(id, minute);
    if (counters.failureMinute !== minute) {
      counters.failureMinute = minute;
      counters.failures = 0;
    }
    return ++counters.failures;
  }

  async setCooldown(id: string, untilMs: number, nowMs: number): Promise<void> {
    this.countersOf(id, Math.floor(nowMs / 60_000)).cooldownUntil = untilMs;
  }

  async close(): Promise<void> {}
}
