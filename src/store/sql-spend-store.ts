import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import { PostgresSpendWriter } from "./postgres-spend-writer.js";
import type { SpendLogsTable, StoreSchema } from "./schema.js";
import type { SpendBatchWriter } from "./spend-batch-writer.js";
import { toDateBounds, toSpendLogRecord, toSpendLogRow, toTimestampBounds } from "./spend-rows.js";
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
import { SqliteSpendWriter } from "./sqlite-spend-writer.js";
import { canWriteSpendOnThread, ThreadedSqliteSpendWriter } from "./threaded-spend-writer.js";

const groupColumns = {
  model: "model_group",
  key: "api_key",
  team: "team_id",
  user: "user_id",
} as const satisfies Record<SpendReportGroup, string>;

/** What writes batches: a writer thread for a SQLite file, else the database's own connection. */
function writerFor(database: Database): SpendBatchWriter {
  if (database.dialect === "postgres") return new PostgresSpendWriter(database.db);
  if (!canWriteSpendOnThread(database.path)) return new SqliteSpendWriter(database);
  const threaded = new ThreadedSqliteSpendWriter(database.path);
  database.onClose(() => threaded.close());
  return threaded;
}

export class SqlSpendStore implements SpendStore {
  readonly #db: Kysely<StoreSchema>;
  readonly #writer: SpendBatchWriter;

  /** Takes the whole database: batches are written with what is cheapest in its dialect. */
  constructor(database: Database) {
    this.#db = database.db;
    this.#writer = writerFor(database);
  }

  async insertBatch(entries: readonly SpendLogEntry[]): Promise<InsertBatchResult> {
    if (entries.length === 0) return { inserted: 0, skipped: 0 };
    const unique = new Map<string, SpendLogsTable>();
    for (const entry of entries) {
      if (!unique.has(entry.requestId)) unique.set(entry.requestId, toSpendLogRow(entry));
    }
    const inserted = await this.#writer.write([...unique.values()]);
    return { inserted, skipped: entries.length - inserted };
  }

  async queryLogs(filter: SpendLogFilter = {}): Promise<SpendLogRecord[]> {
    const bounds = toTimestampBounds(filter);
    let query = this.#db.selectFrom("spend_logs").selectAll();
    if (filter.requestId !== undefined) query = query.where("request_id", "=", filter.requestId);
    if (filter.apiKey !== undefined) query = query.where("api_key", "=", filter.apiKey);
    if (filter.userId !== undefined) query = query.where("user_id", "=", filter.userId);
    if (filter.teamId !== undefined) query = query.where("team_id", "=", filter.teamId);
    const model = filter.model;
    if (model !== undefined) {
      query = query.where((where) =>
        where.or([where("model_group", "=", model), where("model", "=", model)]),
      );
    }
    if (filter.status !== undefined) query = query.where("status", "=", filter.status);
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
