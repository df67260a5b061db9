/** One identity whose limits apply to a request: a key, a user or a team. */
export interface LimitScope {
  /** e.g. `key:<hash>`, `user:<id>`, `team:<id>`. */
  id: string;
  rpmLimit: number | undefined;
  tpmLimit: number | undefined;
  maxParallelRequests: number | undefined;
}

export type LimitReason = "rpm" | "tpm" | "parallel";

export interface LimitUsage {
  /** The tightest request limit among the scopes, with what remains of it this minute. */
  requests: { limit: number; remaining: number } | undefined;
  /** The tightest token limit among the scopes, with what remains of it this minute. */
  tokens: { limit: number; remaining: number } | undefined;
}

export type AcquireResult =
  | ({ ok: true } & LimitUsage)
  | ({
      ok: false;
      scopeId: string;
      reason: LimitReason;
      limit: number;
      retryAfterSeconds: number;
    } & LimitUsage);

/**
 * Per-minute request and token counters and in-flight counts, checked and taken atomically for all
 * scopes of a request at once: either every counter is taken or none is.
 */
export interface LimitCounters {
  acquire(scopes: readonly LimitScope[], nowMs: number): Promise<AcquireResult>;
  /** The request is over: its in-flight slot is given back. */
  release(scopes: readonly LimitScope[]): Promise<void>;
  /** An answer's token usage, counted against this minute's `tpm_limit`. */
  addTokens(scopes: readonly LimitScope[], tokens: number, nowMs: number): Promise<void>;
  close(): Promise<void>;
}

export const WINDOW_MS = 60_000;

export function windowOf(nowMs: number): number {
  return Math.floor(nowMs / WINDOW_MS);
}

export function secondsToWindowEnd(nowMs: number): number {
  return Math.max(1, Math.ceil(((windowOf(nowMs) + 1) * WINDOW_MS - nowMs) / 1000));
}
