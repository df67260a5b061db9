import type { Stores } from "../../store/index.js";

/** What the management routes (`/key/*`, `/user/*`, `/team/*`, `/spend/*`) need. */
export interface ManagementDependencies {
  stores: Stores;
  /** After a key's update, block, unblock, regenerate or delete: drop it from every proxy's cache. */
  invalidateKey(tokenHash: string): void;
  /** After a user's or team's change: drop cached identities that carry it. */
  invalidateUser(userId: string): void;
  invalidateTeam(teamId: string): void;
  /** Writes the queued spend rows now (so a read right after a request sees it). */
  flushSpend(): Promise<void>;
  now(): Date;
  /** Whether a raw key is the master key (compared in constant time): no virtual key may be it. */
  isMasterKey(rawKey: string): boolean;
}
