import type { Kysely, Transaction } from "kysely";
import type { SpendLogsTable, StoreSchema } from "./schema.js";
import {
  aggregateDaily,
  chunk,
  sumSpendBy,
  toDateBounds,
  toSpendLogRecord,
  toSpendLogRow,
  toTimestampBounds,
} from "./spend-rows.js";
import type {
  DailySpendRow,
  DateRange,
  InsertBatchResult,
  SpendLogEntry,
  SpendLogFilter,
  SpendLogRecord,
  SpendReportGroup,
  SpendStore,
  SpendTotals,
} from "./spend-store.js";

/** Rows per statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const rowsPerStatement = 200;

const groupColumns = {
  model: "model_group",
  key: "api_key",
  team: "team_id",
  user: "user_id",
} as const satisfies Record<SpendReportGroup, string>;

export class SqlSpendStore implements SpendStore {
  readonly #db: Kysely<StoreSchema>;

  constructor(db: Kysely<StoreSchema>) {
    this.#db = db;
  }

  async insertBatch(entries: readonly SpendLogEntry[]): Promise<InsertBatchResult> {
    if (entries.length === 0) return { inserted: 0, skipped: 0 };
    const unique = new Map<string, SpendLogsTable>();
    for (const entry of entries) {
      if (!unique.has(entry.requestId)) unique.set(entry.requestId, toSpendLogRow(entry));
    }
    const inserted = await this.#db.transaction().execute(async (transaction) => {
      const rows = await withoutStored(transaction, [...unique.values()]);
      for (const part of chunk(rows, rowsPerStatement)) {
        await transaction.insertInto("spend_logs").values(part).execute();
      }
      await upsertDaily(transaction, rows);
      await incrementOwners(transaction, rows);
      return rows.length;
    });
    return { inserted, skipped: entries.length - inserted };
  }

  async queryLogs(filter: SpendLogFilter = {}): Promise<SpendLogRecord[]> {
    const bounds = toTimestampBounds(filter);
    let query = this.#db.selectFrom("spend_logs").selectAll();
    if (filter.requestId !== undefined) query = query.where("request_id", "=", filter.requestId);
    if (filter.apiKey !== undefined) query = query.where("api_key", "=", filter.apiKey);
    if (filter.userId !== undefined) query = query.where("user_id", "=", filter.userId);
    if (filter.teamId !== undefined) query = query.where("team_id", "=", filter.teamId);
    if (bounds.from !== undefined) query = query.where("start_time", ">=", bounds.from);
    if (bounds.before !== undefined) query = query.where("start_time", "<", bounds.before);
    const limit = Math.max(1, Math.min(Math.floor(filter.limit ?? 100), 1000));
    const rows = await query
      .orderBy("start_time", "desc")
      .orderBy("request_id")
      .limit(limit)
      .offset(Math.max(0, Math.floor(filter.offset ?? 0)))
      .execute();
    return rows.map(toSpendLogRecord);
  }

  async globalSpend(range: DateRange = {}): Promise<SpendTotals> {
    const bounds = toDateBounds(range);
    let query = this.#db.selectFrom("daily_spend");
    if (bounds.from !== undefined) query = query.where("date", ">=", bounds.from);
    if (bounds.to !== undefined) query = query.where("date", "<=", bounds.to);
    const totals = await query
      .select((select) => [
        select.fn.coalesce(select.fn.sum<number>("spend"), select.lit(0)).as("spend"),
        select.fn.coalesce(select.fn.sum<number>("prompt_tokens"), select.lit(0)).as("prompt_tokens"),
        select.fn.coalesce(select.fn.sum<number>("completion_tokens"), select.lit(0)).as("completion_tokens"),
        select.fn.coalesce(select.fn.sum<number>("requests"), select.lit(0)).as("requests"),
      ])
      .executeTakeFirst();
    return {
      spend: Number(totals?.spend ?? 0),
      promptTokens: Number(totals?.prompt_tokens ?? 0),
      completionTokens: Number(totals?.completion_tokens ?? 0),
      requests: Number(totals?.requests ?? 0),
    };
  }

  async dailyReport(options: DateRange & { groupBy: SpendReportGroup }): Promise<DailySpendRow[]> {
    const column = groupColumns[options.groupBy];
    const bounds = toDateBounds(options);
    let query = this.#db.selectFrom("daily_spend");
    if (bounds.from !== undefined) query = query.where("date", ">=", bounds.from);
    if (bounds.to !== undefined) query = query.where("date", "<=", bounds.to);
    const rows = await query
      .select((select) => [
        "date",
        select.ref(column).as("group"),
        select.fn.sum<number>("spend").as("spend"),
        select.fn.sum<number>("prompt_tokens").as("prompt_tokens"),
        select.fn.sum<number>("completion_tokens").as("completion_tokens"),
        select.fn.sum<number>("requests").as("requests"),
      ])
      .groupBy(["date", column])
      .orderBy("date")
      .orderBy(column)
      .execute();
    return rows.map((row) => ({
      date: row.date,
      group: row.group === "" ? null : row.group,
      spend: Number(row.spend),
      promptTokens: Number(row.prompt_tokens),
      completionTokens: Number(row.completion_tokens),
      requests: Number(row.requests),
    }));
  }
}

/** The rows whose request id is not stored yet (a retried batch must not count twice). */
async function withoutStored(
  transaction: Transaction<StoreSchema>,
  rows: SpendLogsTable[],
): Promise<SpendLogsTable[]> {
  const stored = new Set<string>();
  for (const part of chunk(rows, rowsPerStatement)) {
    const ids = part.map((row) => row.request_id);
    const found = await transaction
      .selectFrom("spend_logs")
      .select("request_id")
      .where("request_id", "in", ids)
      .execute();
    for (const row of found) stored.add(row.request_id);
  }
  return stored.size === 0 ? rows : rows.filter((row) => !stored.has(row.request_id));
}

async function upsertDaily(transaction: Transaction<StoreSchema>, rows: SpendLogsTable[]): Promise<void> {
  for (const part of chunk(aggregateDaily(rows), rowsPerStatement)) {
    await transaction
      .insertInto("daily_spend")
      .values(part)
      .onConflict((conflict) =>
        conflict.columns(["date", "api_key", "model_group", "team_id", "user_id"]).doUpdateSet((update) => ({
          spend: update("daily_spend.spend", "+", update.ref("excluded.spend")),
          prompt_tokens: update("daily_spend.prompt_tokens", "+", update.ref("excluded.prompt_tokens")),
          completion_tokens: update(
            "daily_spend.completion_tokens",
            "+",
            update.ref("excluded.completion_tokens"),
          ),
          requests: update("daily_spend.requests", "+", update.ref("excluded.requests")),
        })),
      )
      .execute();
  }
}

async function incrementOwners(transaction: Transaction<StoreSchema>, rows: SpendLogsTable[]): Promise<void> {
  for (const [tokenHash, amount] of sumSpendBy(rows, (row) => row.api_key)) {
    await transaction
      .updateTable("keys")
      .set((update) => ({ spend: update("spend", "+", amount) }))
      .where("token_hash", "=", tokenHash)
      .execute();
  }
  for (const [userId, amount] of sumSpendBy(rows, (row) => row.user_id)) {
    await transaction
      .updateTable("users")
      .set((update) => ({ spend: update("spend", "+", amount) }))
      .where("user_id", "=", userId)
      .execute();
  }
  for (const [teamId, amount] of sumSpendBy(rows, (row) => row.team_id)) {
    await transaction
      .updateTable("teams")
      .set((update) => ({ spend: update("spend", "+", amount) }))
      .where("team_id", "=", teamId)
      .execute();
  }
}
