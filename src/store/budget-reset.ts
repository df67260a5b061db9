import type { Kysely } from "kysely";
import { nextResetAfter, parseDuration } from "./duration.js";
import type { StoreSchema } from "./schema.js";

/** The ids whose spend went back to 0, per table (for cache invalidation). */
export interface BudgetResetResult {
  keys: string[];
  users: string[];
  teams: string[];
}

interface DueBudget {
  id: string;
  budgetDuration: string;
  budgetResetAt: string;
}

interface BudgetTable {
  findDue(now: string): Promise<DueBudget[]>;
  /** Resets one row if its reset time is still `due` (another proxy may have reset it already). */
  reset(id: string, due: string, next: string): Promise<boolean>;
}

async function resetDue(table: BudgetTable, now: Date): Promise<string[]> {
  const resetIds: string[] = [];
  for (const due of await table.findDue(now.toISOString())) {
    const duration = parseDuration(due.budgetDuration);
    if (duration === undefined) continue;
    const next = nextResetAfter(new Date(due.budgetResetAt), duration, now).toISOString();
    if (await table.reset(due.id, due.budgetResetAt, next)) resetIds.push(due.id);
  }
  return resetIds;
}

function keysTable(db: Kysely<StoreSchema>): BudgetTable {
  return {
    findDue: async (now) => {
      const rows = await db
        .selectFrom("keys")
        .select(["token_hash", "budget_duration", "budget_reset_at"])
        .where("budget_reset_at", "<=", now)
        .where("budget_duration", "is not", null)
        .execute();
      return rows.flatMap((row) =>
        row.budget_duration === null || row.budget_reset_at === null
          ? []
          : [{ id: row.token_hash, budgetDuration: row.budget_duration, budgetResetAt: row.budget_reset_at }],
      );
    },
    reset: async (id, due, next) => {
      const result = await db
        .updateTable("keys")
        .set({ spend: 0, budget_reset_at: next })
        .where("token_hash", "=", id)
        .where("budget_reset_at", "=", due)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function usersTable(db: Kysely<StoreSchema>): BudgetTable {
  return {
    findDue: async (now) => {
      const rows = await db
        .selectFrom("users")
        .select(["user_id", "budget_duration", "budget_reset_at"])
        .where("budget_reset_at", "<=", now)
        .where("budget_duration", "is not", null)
        .execute();
      return rows.flatMap((row) =>
        row.budget_duration === null || row.budget_reset_at === null
          ? []
          : [{ id: row.user_id, budgetDuration: row.budget_duration, budgetResetAt: row.budget_reset_at }],
      );
    },
    reset: async (id, due, next) => {
      const result = await db
        .updateTable("users")
        .set({ spend: 0, budget_reset_at: next })
        .where("user_id", "=", id)
        .where("budget_reset_at", "=", due)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function teamsTable(db: Kysely<StoreSchema>): BudgetTable {
  return {
    findDue: async (now) => {
      const rows = await db
        .selectFrom("teams")
        .select(["team_id", "budget_duration", "budget_reset_at"])
        .where("budget_reset_at", "<=", now)
        .where("budget_duration", "is not", null)
        .execute();
      return rows.flatMap((row) =>
        row.budget_duration === null || row.budget_reset_at === null
          ? []
          : [{ id: row.team_id, budgetDuration: row.budget_duration, budgetResetAt: row.budget_reset_at }],
      );
    },
    reset: async (id, due, next) => {
      const result = await db
        .updateTable("teams")
        .set({ spend: 0, budget_reset_at: next })
        .where("team_id", "=", id)
        .where("budget_reset_at", "=", due)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

/**
 * For every key, user and team whose `budget_reset_at` has passed: spend back to 0 and the reset
 * time moved past `now` by whole `budget_duration` periods. Safe to run from several proxies at once
 * (each row is reset once per period). Run it on a timer (LiteLLM checks every few minutes) and
 * before answering `/key/info`.
 */
export async function resetExpiredBudgets(db: Kysely<StoreSchema>, now: Date): Promise<BudgetResetResult> {
  return {
    keys: await resetDue(keysTable(db), now),
    users: await resetDue(usersTable(db), now),
    teams: await resetDue(teamsTable(db), now),
  };
}
