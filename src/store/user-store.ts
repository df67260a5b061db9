/** Internal users: the record, its inputs and the repository interface. */

import type { LimitFields } from "./key-store.js";
import type { LimitChanges } from "./limit-columns.js";

export interface UserRecord extends LimitFields {
  userId: string;
  userEmail: string | null;
  userRole: string | null;
  spend: number;
  models: string[];
  metadata: Record<string, unknown>;
  createdAt: string;
}

export interface UserChanges extends LimitChanges {
  userEmail?: string | null;
  userRole?: string | null;
  spend?: number;
  models?: string[];
  metadata?: Record<string, unknown>;
}

export interface NewUser extends UserChanges {
  userId: string;
}

export interface UserListFilter {
  userRole?: string;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface UserPage {
  users: UserRecord[];
  total: number;
}

export interface UserStore {
  /** Throws StoreConflictError when the id exists. */
  create(user: NewUser): Promise<UserRecord>;
  findById(userId: string): Promise<UserRecord | undefined>;
  update(userId: string, changes: UserChanges): Promise<UserRecord | undefined>;
  /** Returns the ids deleted. */
  delete(userIds: string[]): Promise<string[]>;
  list(filter?: UserListFilter): Promise<UserPage>;
  incrementSpend(userId: string, amount: number): Promise<void>;
}
