/** Virtual keys: the record, its inputs and the repository interface. */

/** Limits and budget fields shared by keys, users and teams. */
export interface LimitFields {
  maxBudget: number | null;
  budgetDuration: string | null;
  /** When spend next returns to 0 (ISO-8601); set from budgetDuration when not given. */
  budgetResetAt: string | null;
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxParallelRequests: number | null;
}

export interface KeyRecord extends LimitFields {
  tokenHash: string;
  keyAlias: string | null;
  keyName: string | null;
  models: string[];
  softBudget: number | null;
  spend: number;
  expires: string | null;
  isBlocked: boolean;
  userId: string | null;
  teamId: string | null;
  metadata: Record<string, unknown>;
  aliases: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** The fields a create or an update may set (timestamps as Date or ISO string). */
export interface KeyChanges {
  keyAlias?: string | null;
  keyName?: string | null;
  models?: string[];
  maxBudget?: number | null;
  softBudget?: number | null;
  spend?: number;
  budgetDuration?: string | null;
  budgetResetAt?: Date | string | null;
  rpmLimit?: number | null;
  tpmLimit?: number | null;
  maxParallelRequests?: number | null;
  expires?: Date | string | null;
  isBlocked?: boolean;
  userId?: string | null;
  teamId?: string | null;
  metadata?: Record<string, unknown>;
  aliases?: Record<string, string>;
}

export interface NewKey extends KeyChanges {
  tokenHash: string;
}

export interface KeyListFilter {
  userId?: string;
  teamId?: string;
  keyAlias?: string;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface KeyPage {
  keys: KeyRecord[];
  total: number;
}

export interface KeySelector {
  tokenHashes?: string[];
  keyAliases?: string[];
}

export interface KeyStore {
  /** Throws StoreConflictError when the hash or alias exists. */
  create(key: NewKey): Promise<KeyRecord>;
  findByHash(tokenHash: string): Promise<KeyRecord | undefined>;
  findByAlias(keyAlias: string): Promise<KeyRecord | undefined>;
  /** Undefined when no such key. A new budgetDuration without budgetResetAt restarts the period. */
  update(tokenHash: string, changes: KeyChanges): Promise<KeyRecord | undefined>;
  /** Gives a key a new hash (`/key/regenerate`), keeping everything else. */
  replaceHash(
    tokenHash: string,
    newTokenHash: string,
    newKeyName: string | null,
  ): Promise<KeyRecord | undefined>;
  /** Deletes by hashes and/or aliases; returns the hashes deleted (for cache invalidation). */
  delete(selector: KeySelector): Promise<string[]>;
  list(filter?: KeyListFilter): Promise<KeyPage>;
  setBlocked(tokenHash: string, isBlocked: boolean): Promise<KeyRecord | undefined>;
  incrementSpend(tokenHash: string, amount: number): Promise<void>;
}
