/** Teams and their members: the record, its inputs and the repository interface. */

import type { LimitFields } from "./key-store.js";
import type { LimitChanges } from "./limit-columns.js";

export interface TeamMember {
  userId: string;
  /** LiteLLM's roles: "admin" or "user". */
  role: string;
}

export interface TeamRecord extends LimitFields {
  teamId: string;
  teamAlias: string | null;
  members: TeamMember[];
  models: string[];
  spend: number;
  isBlocked: boolean;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export interface TeamChanges extends LimitChanges {
  teamAlias?: string | null;
  members?: TeamMember[];
  models?: string[];
  spend?: number;
  isBlocked?: boolean;
  metadata?: Record<string, unknown>;
}

export interface NewTeam extends TeamChanges {
  teamId: string;
}

export interface TeamListFilter {
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface TeamPage {
  teams: TeamRecord[];
  total: number;
}

export interface TeamStore {
  /** Throws StoreConflictError when the id exists. */
  create(team: NewTeam): Promise<TeamRecord>;
  findById(teamId: string): Promise<TeamRecord | undefined>;
  update(teamId: string, changes: TeamChanges): Promise<TeamRecord | undefined>;
  /** Returns the ids deleted. */
  delete(teamIds: string[]): Promise<string[]>;
  list(filter?: TeamListFilter): Promise<TeamPage>;
  /** Adds members, or changes the role of those already in; undefined when no such team. */
  addMembers(teamId: string, members: TeamMember[]): Promise<TeamRecord | undefined>;
  removeMembers(teamId: string, userIds: string[]): Promise<TeamRecord | undefined>;
  setBlocked(teamId: string, isBlocked: boolean): Promise<TeamRecord | undefined>;
  incrementSpend(teamId: string, amount: number): Promise<void>;
}
