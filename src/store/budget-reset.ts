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

/** The tables with a budget, and the column that identifies a row in each. */
const BUDGET_ID_COLUMNS = { keys: "token_hash", users: "user_id", teams: "team_id" } as const;
type BudgetTableName = keyof typeof BUDGET_ID_COLUMNS;

/**
 * The same two queries for keys, users and teams: the budget columns have the same names in each.
 * Kysely is told the `keys` table's types; only the table and id column names differ.
 */
function budgetTable(db: Kysely<StoreSchema>, name: BudgetTableName): BudgetTable {
  const table = name as "keys";
  const idColumn = BUDGET_ID_COLUMNS[name] as "token_hash";
  return {
    findDue: async (now) => {
      const rows = await db
        .selectFrom(table)
        .select([`${idColumn} as id`, "budget_duration", "budget_reset_at"])
        .where("budget_reset_at", "<=", now)
        .where("budget_duration", "is not", null)
        .execute();
      return rows.flatMap((row) =>
        row.budget_duration === null || row.budget_reset_at === null
          ? []
          : [{ id: row.id, budgetDuration: row.budget_duration, budgetResetAt: row.budget_reset_at }],
      );
    },
    reset: async (id, due, next) => {
      const result = await db
        .updateTable(table)
        .set({ spend: 0, budget_reset_at: next })
        .where(idColumn, "=", id)
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
    keys: await resetDue(budgetTable(db, "keys"), now),
    users: await resetDue(budgetTable(db, "users"), now),
    teams: await resetDue(budgetTable(db, "teams"), now),
  };
}
