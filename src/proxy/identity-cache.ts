import type { Stores, TeamRecord, UserRecord } from "../store/index.js";
import type { Identity } from "./identity.js";

export type VirtualIdentity = Extract<Identity, { kind: "virtual" }>;

interface Entry {
  identity: VirtualIdentity | undefined;
  expiresAt: number;
}

/** Unknown keys are remembered too (a client retrying a bad key must not hit the database each time), up to this many. */
const MAX_NEGATIVE_ENTRIES = 10_000;

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

  constructor(
    private readonly stores: Stores,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(tokenHash: string): Promise<VirtualIdentity | undefined> {
    const entry = this.entries.get(tokenHash);
    if (entry !== undefined && entry.expiresAt > this.clock()) return entry.identity;
    let pending = this.loading.get(tokenHash);
    if (pending === undefined) {
      pending = this.load(tokenHash).finally(() => this.loading.delete(tokenHash));
      this.loading.set(tokenHash, pending);
    }
    return pending;
  }

  private async load(tokenHash: string): Promise<VirtualIdentity | undefined> {
    const key = await this.stores.keys.findByHash(tokenHash);
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
                : await this.shared(this.users, key.userId, (id) => this.stores.users.findById(id)),
            team:
              key.teamId === null
                ? undefined
                : await this.shared(this.teams, key.teamId, (id) => this.stores.teams.findById(id)),
          };
    const previous = this.entries.get(tokenHash);
    if (identity === undefined) {
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
    identity.key.spend += cost;
    if (identity.user !== undefined) identity.user.spend += cost;
    if (identity.team !== undefined) identity.team.spend += cost;
  }
}
