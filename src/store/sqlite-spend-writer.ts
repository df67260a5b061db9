import { setImmediate as nextTurn } from "node:timers/promises";
import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import type { SqliteDatabase } from "./database.js";
import type { DailySpendTable, SpendLogsTable, StoreSchema } from "./schema.js";
import type { SpendBatchWriter } from "./spend-batch-writer.js";
import {
  aggregateDaily,
  dailyIdentityColumns,
  dailyTotalColumns,
  spendLogColumns,
  spendOwners,
  sumSpendBy,
} from "./spend-rows.js";

/**
 * Rows inserted between two pauses that let the event loop run (a few milliseconds of work):
 * better-sqlite3 is synchronous, so one big batch would otherwise stall every request meanwhile.
 */
const rowsPerSlice = 2_000;

type Owner = (typeof spendOwners)[number];

type SpendLogValues = Array<SpendLogsTable[keyof SpendLogsTable]>;

/**
 * Runs the insert with one argument per column, in `spendLogColumns` order: binding separate
 * arguments costs about 2 µs per row less than binding the row object by parameter names.
 */
function insertLogRow(statement: BetterSqlite3.Statement<SpendLogValues>, row: SpendLogsTable): boolean {
  const info = statement.run(
    row.request_id,
    row.response_id,
    row.call_type,
    row.api_key,
    row.user_id,
    row.team_id,
    row.model_group,
    row.model,
    row.deployment_id,
    row.prompt_tokens,
    row.completion_tokens,
    row.total_tokens,
    row.spend,
    row.status,
    row.error_code,
    row.start_time,
    row.end_time,
    row.latency_ms,
    row.metadata,
    row.cache_hit,
  );
  return info.changes > 0;
}

export interface SpendStatements {
  begin: BetterSqlite3.Statement<[]>;
  commit: BetterSqlite3.Statement<[]>;
  rollback: BetterSqlite3.Statement<[]>;
  /** Changes 0 rows when the request id is stored already. */
  insertLog: BetterSqlite3.Statement<SpendLogValues>;
  upsertDaily: BetterSqlite3.Statement<[DailySpendTable]>;
  addSpend: Array<{ owner: Owner; statement: BetterSqlite3.Statement<[number, string]> }>;
}

export function prepareSpendStatements(connection: BetterSqlite3.Database): SpendStatements {
  const dailyColumns = [...dailyIdentityColumns, ...dailyTotalColumns];
  const addTotals = dailyTotalColumns.map(
    (column) => `${column} = daily_spend.${column} + excluded.${column}`,
  );
  return {
    // Takes the write lock at once, so a busy database is waited for (busy_timeout) before any work.
    begin: connection.prepare("begin immediate"),
    commit: connection.prepare("commit"),
    rollback: connection.prepare("rollback"),
    // `on conflict do nothing`, not `insert or ignore`: only a known request id is skipped, while
    // any other constraint (a NOT NULL column) still fails the batch.
    insertLog: connection.prepare<SpendLogValues>(
      `insert into spend_logs (${spendLogColumns.join(", ")})
       values (${spendLogColumns.map(() => "?").join(", ")})
       on conflict (request_id) do nothing`,
    ),
    upsertDaily: connection.prepare<[DailySpendTable]>(
      `insert into daily_spend (${dailyColumns.join(", ")})
       values (${dailyColumns.map((column) => `@${column}`).join(", ")})
       on conflict (${dailyIdentityColumns.join(", ")}) do update set ${addTotals.join(", ")}`,
    ),
    addSpend: spendOwners.map((owner) => ({
      owner,
      statement: connection.prepare<[number, string]>(
        `update ${owner.table} set spend = spend + ? where ${owner.idColumn} = ?`,
      ),
    })),
  };
}

/**
 * SQLite: one prepared single-row statement run per row on the raw better-sqlite3 connection.
 * Statements are prepared once per writer; that is far cheaper than building and compiling a
 * multi-row statement per batch, and `on conflict do nothing` replaces the lookup of stored ids.
 */
export class SqliteSpendWriter implements SpendBatchWriter {
  readonly #db: Kysely<StoreSchema>;
  readonly #connection: BetterSqlite3.Database;
  /** Prepared on first use: the tables may not exist yet when the writer is built. */
  #statements: SpendStatements | undefined;

  constructor(database: SqliteDatabase) {
    this.#db = database.db;
    this.#connection = database.connection;
  }

  async write(rows: readonly SpendLogsTable[]): Promise<number> {
    // The queue writes batches back to back and nothing here waits for I/O: without this pause
    // a long queue would be written without the event loop ever running in between.
    await nextTurn();
    // Kysely's lock on its single connection, held until our transaction ends: no Kysely
    // transaction can be open now (our `begin` would fail inside it), and no Kysely query can run
    // inside ours while it pauses between slices.
    return this.#db.connection().execute(() => this.#writeInTransaction(rows));
  }

  #writeInTransaction(rows: readonly SpendLogsTable[]): Promise<number> {
    this.#statements ??= prepareSpendStatements(this.#connection);
    return writeSpendBatch(this.#connection, this.#statements, rows, nextTurn);
  }
}

/**
 * One batch in one transaction on a better-sqlite3 connection: the new rows, then the daily
 * aggregates and the owners' spend of those rows. `pause`, when given, runs between slices of rows
 * so that the thread can do other work (the main thread); a worker thread writes straight through.
 */
export async function writeSpendBatch(
  connection: BetterSqlite3.Database,
  statements: SpendStatements,
  rows: readonly SpendLogsTable[],
  pause?: () => Promise<unknown>,
): Promise<number> {
  if (connection.inTransaction) {
    throw new Error("the SQLite connection is already in a transaction; spend batch not written");
  }
  statements.begin.run();
  try {
    const inserted = await insertNew(statements.insertLog, rows, pause);
    for (const total of aggregateDaily(inserted)) statements.upsertDaily.run(total);
    for (const { owner, statement } of statements.addSpend) {
      for (const [id, amount] of sumSpendBy(inserted, (row) => row[owner.logColumn])) {
        statement.run(amount, id);
      }
    }
    statements.commit.run();
    return inserted.length;
  } catch (error) {
    // Some errors (SQLITE_FULL, SQLITE_IOERR) have rolled the transaction back already.
    if (connection.inTransaction) statements.rollback.run();
    throw error;
  }
}

/** Inserts the rows whose request id is new and returns those, pausing between slices. */
async function insertNew(
  insertLog: BetterSqlite3.Statement<SpendLogValues>,
  rows: readonly SpendLogsTable[],
  pause: (() => Promise<unknown>) | undefined,
): Promise<SpendLogsTable[]> {
  const inserted: SpendLogsTable[] = [];
  let inSlice = 0;
  for (const row of rows) {
    if (insertLogRow(insertLog, row)) inserted.push(row);
    inSlice += 1;
    // Also after the last full slice: the aggregates and the commit of a big batch are work too.
    if (inSlice === rowsPerSlice && pause !== undefined) {
      inSlice = 0;
      await pause();
    }
  }
  return inserted;
}
