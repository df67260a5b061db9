import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import { toArrayLiteral } from "./postgres-array.js";
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

/** The array type each spend_logs column is sent as (the column types of the migration). */
const spendLogArrayTypes = {
  request_id: "text[]",
  response_id: "text[]",
  call_type: "text[]",
  api_key: "text[]",
  user_id: "text[]",
  team_id: "text[]",
  model_group: "text[]",
  model: "text[]",
  deployment_id: "text[]",
  prompt_tokens: "integer[]",
  completion_tokens: "integer[]",
  total_tokens: "integer[]",
  spend: "double precision[]",
  status: "text[]",
  error_code: "text[]",
  start_time: "text[]",
  end_time: "text[]",
  latency_ms: "integer[]",
  metadata: "text[]",
  cache_hit: "integer[]",
} as const satisfies Record<keyof SpendLogsTable, string>;

const dailyArrayTypes = {
  date: "text[]",
  api_key: "text[]",
  model_group: "text[]",
  team_id: "text[]",
  user_id: "text[]",
  spend: "double precision[]",
  prompt_tokens: "bigint[]",
  completion_tokens: "bigint[]",
  requests: "bigint[]",
} as const satisfies Record<keyof DailySpendTable, string>;

const dailyColumns = [...dailyIdentityColumns, ...dailyTotalColumns];

/**
 * Rows per insert statement. Encoding rows is synchronous work: a big batch goes in parts, so the
 * event loop runs while each part is on the wire (30,000 rows at once would block it ~250 ms).
 */
const rowsPerStatement = 2_000;

/** `unnest($1::text[], $2::integer[], ...)`: one parameter per column, whatever the row count. */
function unnestOf(arrayTypes: readonly string[], firstParameter = 1): string {
  const parameters = arrayTypes.map((type, index) => `$${firstParameter + index}::${type}`);
  return `unnest(${parameters.join(", ")})`;
}

const insertLogsSql = `insert into spend_logs (${spendLogColumns.join(", ")})
  select * from ${unnestOf(spendLogColumns.map((column) => spendLogArrayTypes[column]))}
  on conflict (request_id) do nothing
  returning request_id`;

/**
 * Locks the keys, users and teams a batch adds spend to, each table in id order (`order by` sorts
 * before rows are locked): concurrent writers (several proxies) then never wait on each other in a
 * cycle, whatever plan the update below gets. Parameters: one id array per owner table.
 */
const lockOwnersSql = `select ${spendOwners
  .map(
    (owner, index) => `(select count(*) from (
      select 1 from ${owner.table} where ${owner.idColumn} = any($${index + 1}::text[])
      order by ${owner.idColumn} for no key update) as locked) as ${owner.table}`,
  )
  .join(", ")}`;

/**
 * The daily upsert and the owners' spend in one statement (one round trip). Daily rows are locked
 * in array order (aggregateDaily sorts them); the owners are locked already. Parameters: the daily
 * columns, then an id array and an amount array per owner table.
 */
const addTotalsSql = `with daily as (
    insert into daily_spend (${dailyColumns.join(", ")})
    select * from ${unnestOf(dailyColumns.map((column) => dailyArrayTypes[column]))}
    on conflict (${dailyIdentityColumns.join(", ")}) do update set
    ${dailyTotalColumns.map((column) => `${column} = daily_spend.${column} + excluded.${column}`).join(", ")}
  ), ${spendOwners
    .map(
      (owner, index) => `add_${owner.table} as (
    update ${owner.table} set spend = ${owner.table}.spend + added.amount
    from ${unnestOf(["text[]", "double precision[]"], dailyColumns.length + 1 + 2 * index)} as added(id, amount)
    where ${owner.table}.${owner.idColumn} = added.id
  )`,
    )
    .join(", ")}
  select 1`;

/** One array literal per column: the parameters of an `unnest` statement. */
function columnsOf<Column extends string, Row extends Record<Column, string | number | null>>(
  rows: readonly Row[],
  columns: readonly Column[],
): string[] {
  return columns.map((column) => toArrayLiteral(rows.map((row) => row[column])));
}

/**
 * PostgreSQL: a handful of statements per batch (one insert per 2,000 rows, one lock, one update
 * of the totals). Rows travel as one array literal per column and `unnest` turns them back into
 * rows, so the SQL text is built once (no per-value query building, no parameter limit).
 */
export class PostgresSpendWriter implements SpendBatchWriter {
  readonly #db: Kysely<StoreSchema>;

  constructor(db: Kysely<StoreSchema>) {
    this.#db = db;
  }

  write(rows: readonly SpendLogsTable[]): Promise<number> {
    return this.#db.transaction().execute(async (transaction) => {
      const inserted = await insertNew(transaction, rows);
      if (inserted.length === 0) return 0;
      const owners = spendOwners.map((owner) => sumSpendBy(inserted, (row) => row[owner.logColumn]));
      const ownerIds = owners.map((totals) => toArrayLiteral(totals.map(([id]) => id)));
      await run(transaction, lockOwnersSql, ownerIds);
      await run(transaction, addTotalsSql, [
        ...columnsOf(aggregateDaily(inserted), dailyColumns),
        ...owners.flatMap((totals, index) => [
          ownerIds[index],
          toArrayLiteral(totals.map(([, amount]) => amount)),
        ]),
      ]);
      return inserted.length;
    });
  }
}

async function run<Row>(transaction: Transaction<StoreSchema>, text: string, parameters: unknown[]) {
  return transaction.executeQuery<Row>(CompiledQuery.raw(text, parameters));
}

/** Inserts the rows whose request id is new and returns those (`returning` names them). */
async function insertNew(
  transaction: Transaction<StoreSchema>,
  rows: readonly SpendLogsTable[],
): Promise<SpendLogsTable[]> {
  const inserted: SpendLogsTable[] = [];
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const part = rows.slice(start, start + rowsPerStatement);
    const result = await run<{ request_id: string }>(
      transaction,
      insertLogsSql,
      columnsOf(part, spendLogColumns),
    );
    if (result.rows.length === part.length) {
      inserted.push(...part);
    } else {
      const insertedIds = new Set(result.rows.map((row) => row.request_id));
      for (const row of part) if (insertedIds.has(row.request_id)) inserted.push(row);
    }
  }
  return inserted;
}
