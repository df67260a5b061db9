import { ServiceUnavailableError } from "../errors/index.js";
import type { Stores, TeamRecord, UserRecord } from "../store/index.js";
import { rollBudgetPeriods } from "./access.js";
import type { Identity } from "./identity.js";

export type VirtualIdentity = Extract<Identity, { kind: "virtual" }>;

interface Entry {
  identity: VirtualIdentity | undefined;
  expiresAt: number;
}

/** Unknown keys are remembered too (a client retrying a bad key must not hit the database each time), up to this many. */
const MAX_NEGATIVE_ENTRIES = 10_000;

/** While the database is unreachable, a stale entry is served and looked up again after this long. */
const STALE_RETRY_MS = 1_000;

/**
 * Virtual keys with their user and team, cached in memory for `ttlMs`: a warm request never waits
 * on the database. Changes made through this proxy invalidate at once (and through Redis on the
 * others); other proxies see them within the TTL.
 */
export class IdentityCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<VirtualIdentity | undefined>>();
  /** One object per user and team, shared by all their keys, so spend added through one key shows on all. */
  private readonly users = new Map<string, { record: UserRecord | undefined; expiresAt: number }>();
  private readonly teams = new Map<string, { record: TeamRecord | undefined; expiresAt: number }>();
  private negativeEntries = 0;
  private lastSweepAt = Number.NEGATIVE_INFINITY;
  /**
   * Spend this proxy counted but has not written yet (`key:<hash>`, `user:<id>`, `team:<id>` ->
   * USD): a record read again from the store gets it added, so a cache reload before the spend
   * queue's next write does not forget it (and let a key past its budget through).
   */
  private readonly unwritten = new Map<string, number>();

  constructor(
    private readonly stores: Stores,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
    /** Told when a lookup fails (to log it); the request is then served from the stale entry. */
    private readonly onLoadError: (error: unknown) => void = () => {},
  ) {}

  async get(tokenHash: string): Promise<VirtualIdentity | undefined> {
    const entry = this.entries.get(tokenHash);
    if (entry !== undefined && entry.expiresAt > this.clock()) return entry.identity;
    let pending = this.loading.get(tokenHash);
    if (pending === undefined) {
      pending = this.load(tokenHash)
        .catch((error: unknown) => this.stale(tokenHash, error))
        .finally(() => this.loading.delete(tokenHash));
      this.loading.set(tokenHash, pending);
    }
    return pending;
  }

  /**
   * The database is unreachable: a key seen before keeps its last known state (requests keep being
   * served through an outage) and is looked up again shortly; an unknown key cannot be checked (503).
   */
  private stale(tokenHash: string, error: unknown): VirtualIdentity | undefined {
    const previous = this.entries.get(tokenHash);
    this.onLoadError(error);
    if (previous === undefined) {
      throw new ServiceUnavailableError({
        message: "the key could not be checked: the database is unreachable; retry shortly",
        code: "database_unavailable",
      });
    }
    previous.expiresAt = this.clock() + Math.min(this.ttlMs, STALE_RETRY_MS);
    return previous.identity;
  }

  private async load(tokenHash: string): Promise<VirtualIdentity | undefined> {
    const stored = await this.stores.keys.findByHash(tokenHash);
    const key = stored === undefined ? undefined : this.withUnwritten(`key:${tokenHash}`, stored);
    const identity: VirtualIdentity | undefined =
      key === undefined
        ? undefined
        : {
            kind: "virtual",
            tokenHash,
            key,
            user:
              key.userId === null
                ? undefined
                : await this.shared(this.users, key.userId, async (id) =>
                    this.withUnwritten(`user:${id}`, await this.stores.users.findById(id)),
                  ),
            team:
              key.teamId === null
                ? undefined
                : await this.shared(this.teams, key.teamId, async (id) =>
                    this.withUnwritten(`team:${id}`, await this.stores.teams.findById(id)),
                  ),
          };
    const previous = this.entries.get(tokenHash);
    if (identity === undefined) {
      if (this.negativeEntries >= MAX_NEGATIVE_ENTRIES) this.forgetExpiredUnknownKeys();
      if (this.negativeEntries >= MAX_NEGATIVE_ENTRIES) return undefined;
      if (previous === undefined || previous.identity !== undefined) this.negativeEntries++;
    } else if (previous !== undefined && previous.identity === undefined) {
      this.negativeEntries--;
    }
    this.entries.set(tokenHash, { identity, expiresAt: this.clock() + this.ttlMs });
    return identity;
  }

  private async shared<T>(
    cache: Map<string, { record: T | undefined; expiresAt: number }>,
    id: string,
    load: (id: string) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const now = this.clock();
    const entry = cache.get(id);
    if (entry !== undefined && entry.expiresAt > now) return entry.record;
    const record = await load(id);
    cache.set(id, { record, expiresAt: now + this.ttlMs });
    return record;
  }

  /** Makes room among the remembered unknown keys: those whose time is up go. */
  private forgetExpiredUnknownKeys(): void {
    const now = this.clock();
    // At most one sweep a TTL: a flood of bad keys must not make every request walk the map.
    if (now - this.lastSweepAt < this.ttlMs) return;
    this.lastSweepAt = now;
    for (const [tokenHash, entry] of this.entries) {
      if (entry.identity === undefined && entry.expiresAt <= now) {
        this.entries.delete(tokenHash);
        this.negativeEntries--;
      }
    }
  }

  invalidateKey(tokenHash: string): void {
    const entry = this.entries.get(tokenHash);
    if (entry !== undefined && entry.identity === undefined) this.negativeEntries--;
    this.entries.delete(tokenHash);
  }

  invalidateUser(userId: string): void {
    this.users.delete(userId);
    for (const [tokenHash, entry] of this.entries) {
      if (entry.identity?.key.userId === userId) this.entries.delete(tokenHash);
    }
  }

  invalidateTeam(teamId: string): void {
    this.teams.delete(teamId);
    for (const [tokenHash, entry] of this.entries) {
      if (entry.identity?.key.teamId === teamId) this.entries.delete(tokenHash);
    }
  }

  /**
   * Counts a request's cost on the cached records at once, so budgets hold on this proxy before the
   * spend queue reaches the database. Users and teams are shared objects: all their keys see it.
   */
  addSpend(identity: VirtualIdentity, cost: number): void {
    if (cost <= 0) return;
    rollBudgetPeriods(identity, this.clock());
    identity.key.spend += cost;
    this.addUnwritten(`key:${identity.tokenHash}`, cost);
    if (identity.user !== undefined) {
      identity.user.spend += cost;
      this.addUnwritten(`user:${identity.user.userId}`, cost);
    }
    if (identity.team !== undefined) {
      identity.team.spend += cost;
      this.addUnwritten(`team:${identity.team.teamId}`, cost);
    }
  }

  /** The spend queue wrote these rows: their cost is in the store now. */
  spendWritten(
    rows: readonly {
      apiKey?: string | null | undefined;
      userId?: string | null | undefined;
      teamId?: string | null | undefined;
      spend?: number | undefined;
    }[],
  ): void {
    for (const row of rows) {
      const spend = row.spend ?? 0;
      if (spend <= 0) continue;
      if (typeof row.apiKey === "string") this.addUnwritten(`key:${row.apiKey}`, -spend);
      if (typeof row.userId === "string") this.addUnwritten(`user:${row.userId}`, -spend);
      if (typeof row.teamId === "string") this.addUnwritten(`team:${row.teamId}`, -spend);
    }
  }

  private addUnwritten(id: string, amount: number): void {
    const total = (this.unwritten.get(id) ?? 0) + amount;
    // Float sums of the same amounts added and taken away may leave dust: treat it as zero.
    if (total <= 1e-12) this.unwritten.delete(id);
    else this.unwritten.set(id, total);
  }

  private withUnwritten<T extends { spend: number }>(id: string, record: T): T;
  private withUnwritten<T extends { spend: number }>(id: string, record: T | undefined): T | undefined;
  private withUnwritten<T extends { spend: number }>(id: string, record: T | undefined): T | undefined {
    const amount = this.unwritten.get(id);
    if (record === undefined || amount === undefined) return record;
    return { ...record, spend: record.spend + amount };
  }
}
