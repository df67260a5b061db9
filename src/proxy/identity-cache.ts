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
  /**
   * The same for each other worker of this proxy (`--num_workers`), by its cluster id: what it
   * counted and has not written yet, so that a budget holds across workers as in one process.
   */
  private readonly peerUnwritten = new Map<number, Map<string, number>>();
  /** Told what this worker counted and wrote, for the other workers (see applyPeerSpent). */
  private peers: SpendPeers | undefined;

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
    const amounts: [string, number][] = [[`key:${identity.tokenHash}`, cost]];
    identity.key.spend += cost;
    if (identity.user !== undefined) {
      identity.user.spend += cost;
      amounts.push([`user:${identity.user.userId}`, cost]);
    }
    if (identity.team !== undefined) {
      identity.team.spend += cost;
      amounts.push([`team:${identity.team.teamId}`, cost]);
    }
    for (const [id, amount] of amounts) addTo(this.unwritten, id, amount);
    this.peers?.spent(amounts);
  }

  /** Sends what this worker counts and writes to the other workers of the proxy. */
  shareWith(peers: SpendPeers): void {
    this.peers = peers;
  }

  /** Another worker counted this spend (not written yet): budgets here see it at once. */
  applyPeerSpent(peer: number, amounts: readonly [string, number][]): void {
    let pending = this.peerUnwritten.get(peer);
    if (pending === undefined) {
      pending = new Map();
      this.peerUnwritten.set(peer, pending);
    }
    for (const [id, amount] of amounts) {
      addTo(pending, id, amount);
      const record = this.cachedRecord(id);
      if (record !== undefined) record.spend += amount;
    }
  }

  /** Another worker wrote rows with this spend: it is in the store now. */
  applyPeerWritten(peer: number, amounts: readonly [string, number][]): void {
    const pending = this.peerUnwritten.get(peer);
    if (pending === undefined) return;
    for (const [id, amount] of amounts) addTo(pending, id, -amount);
  }

  /** A worker exited: what it had not written is either written now or lost; count it no more. */
  forgetPeer(peer: number): void {
    this.peerUnwritten.delete(peer);
  }

  /** The cached record an unwritten-spend id names, whose spend budgets read. */
  private cachedRecord(id: string): { spend: number } | undefined {
    const colon = id.indexOf(":");
    const kind = id.slice(0, colon);
    const name = id.slice(colon + 1);
    if (kind === "key") {
      const identity = this.entries.get(name)?.identity;
      if (identity !== undefined) rollBudgetPeriods(identity, this.clock());
      return identity?.key;
    }
    if (kind === "user") return this.users.get(name)?.record;
    if (kind === "team") return this.teams.get(name)?.record;
    return undefined;
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
    const written = new Map<string, number>();
    for (const row of rows) {
      const spend = row.spend ?? 0;
      if (spend <= 0) continue;
      if (typeof row.apiKey === "string") addTo(written, `key:${row.apiKey}`, spend);
      if (typeof row.userId === "string") addTo(written, `user:${row.userId}`, spend);
      if (typeof row.teamId === "string") addTo(written, `team:${row.teamId}`, spend);
    }
    if (written.size === 0) return;
    for (const [id, amount] of written) addTo(this.unwritten, id, -amount);
    this.peers?.written([...written]);
  }

  private withUnwritten<T extends { spend: number }>(id: string, record: T): T;
  private withUnwritten<T extends { spend: number }>(id: string, record: T | undefined): T | undefined;
  private withUnwritten<T extends { spend: number }>(id: string, record: T | undefined): T | undefined {
    if (record === undefined) return record;
    let amount = this.unwritten.get(id) ?? 0;
    for (const pending of this.peerUnwritten.values()) amount += pending.get(id) ?? 0;
    return amount === 0 ? record : { ...record, spend: record.spend + amount };
  }
}

/** Where a worker's counted and written spend goes for the other workers (a WorkerBus). */
export interface SpendPeers {
  spent(amounts: [string, number][]): void;
  written(amounts: [string, number][]): void;
}

function addTo(totals: Map<string, number>, id: string, amount: number): void {
  const total = (totals.get(id) ?? 0) + amount;
  // Float sums of the same amounts added and taken away may leave dust: treat it as zero.
  if (total <= 1e-12) totals.delete(id);
  else totals.set(id, total);
}
