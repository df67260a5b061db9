/** What the router knows about one deployment at one moment. */
export interface DeploymentUsage {
  /** Epoch ms until which the deployment cools down; 0 when it does not. */
  cooldownUntil: number;
  inFlight: number;
  /** Requests started in the given minute. */
  requests: number;
  /** Tokens used in the given minute. */
  tokens: number;
}

/**
 * Cooldowns, per-minute usage and in-flight counts, shared by every routing decision. In memory
 * for one process; in Redis so that several proxies agree. `minute` is `floor(epochMs / 60000)`.
 */
export interface RouterState {
  /** One read per routing decision: an entry per id, in the same order. */
  read(ids: readonly string[], minute: number): Promise<readonly DeploymentUsage[]>;
  /** In-flight +1 and this minute's requests +1; resolves to this minute's requests after the increment. */
  startRequest(id: string, minute: number): Promise<number>;
  /** Undoes `startRequest` for a request that was not sent (the deployment was full). */
  cancelRequest(id: string, minute: number): Promise<void>;
  /** In-flight -1. */
  endRequest(id: string): Promise<void>;
  addTokens(id: string, minute: number, tokens: number): Promise<void>;
  /** Counts a failure in this minute; resolves to the failures so far in it. */
  recordFailure(id: string, minute: number): Promise<number>;
  setCooldown(id: string, untilMs: number, nowMs: number): Promise<void>;
  close(): Promise<void>;
}

export function minuteOf(epochMs: number): number {
  return Math.floor(epochMs / 60_000);
}
