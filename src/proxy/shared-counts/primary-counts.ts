import type { DeploymentUsage, RouterState } from "../../router/index.js";
import type { AcquireResult, LimitCounters, LimitScope } from "../limits/types.js";
import type { PrimaryChannel } from "./ipc.js";

/** The target names the primary serves (see serveToWorkers in workers.ts). */
export const LIMITS_TARGET = "limits";
export const ROUTER_STATE_TARGET = "routerState";

/** A worker's rate-limit counters, held by the primary: every worker sees one count. */
export class PrimaryLimitCounters implements LimitCounters {
  constructor(private readonly channel: PrimaryChannel) {}

  acquire(scopes: readonly LimitScope[], nowMs: number): Promise<AcquireResult> {
    return this.channel.call(LIMITS_TARGET, "acquire", [scopes, nowMs]);
  }

  release(scopes: readonly LimitScope[]): Promise<void> {
    return this.channel.call(LIMITS_TARGET, "release", [scopes]);
  }

  addTokens(scopes: readonly LimitScope[], tokens: number, nowMs: number): Promise<void> {
    return this.channel.call(LIMITS_TARGET, "addTokens", [scopes, tokens, nowMs]);
  }

  async close(): Promise<void> {}
}

/** A worker's router state (cooldowns, usage, in-flight), held by the primary. */
export class PrimaryRouterState implements RouterState {
  constructor(private readonly channel: PrimaryChannel) {}

  read(ids: readonly string[], minute: number): Promise<readonly DeploymentUsage[]> {
    return this.channel.call(ROUTER_STATE_TARGET, "read", [ids, minute]);
  }

  startRequest(id: string, minute: number): Promise<number> {
    return this.channel.call(ROUTER_STATE_TARGET, "startRequest", [id, minute]);
  }

  cancelRequest(id: string, minute: number): Promise<void> {
    return this.channel.call(ROUTER_STATE_TARGET, "cancelRequest", [id, minute]);
  }

  endRequest(id: string): Promise<void> {
    return this.channel.call(ROUTER_STATE_TARGET, "endRequest", [id]);
  }

  addTokens(id: string, minute: number, tokens: number): Promise<void> {
    return this.channel.call(ROUTER_STATE_TARGET, "addTokens", [id, minute, tokens]);
  }

  recordFailure(id: string, minute: number): Promise<number> {
    return this.channel.call(ROUTER_STATE_TARGET, "recordFailure", [id, minute]);
  }

  setCooldown(id: string, untilMs: number, nowMs: number): Promise<void> {
    return this.channel.call(ROUTER_STATE_TARGET, "setCooldown", [id, untilMs, nowMs]);
  }

  async close(): Promise<void> {}
}
