import { isAbsolute, join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import { migrateToLatest } from "./migrations/index.js";
import type { StoreSchema } from "./schema.js";

export type DialectName = "sqlite" | "postgres";

interface OpenedDatabase {
  db: Kysely<StoreSchema>;
  close(): Promise<void>;
}

export interface SqliteDatabase extends OpenedDatabase {
  dialect: "sqlite";
  /**
   * The one connection Kysely drives, for synchronous prepared statements on hot write paths. Use it
   * only inside `db.connection().execute(...)`: that holds Kysely's lock on the connection, so no
   * Kysely transaction can be open on it meanwhile.
   */
  connection: BetterSqlite3.Database;
  /** The database file, or ":memory:". */
  path: string;
  /** Runs `task` when the database closes, before its connection does (e.g. to stop a writer thread). */
  onClose(task: () => Promise<void>): void;
}

export interface PostgresDatabase extends OpenedDatabase {
  dialect: "postgres";
}

export type Database = SqliteDatabase | PostgresDatabase;

export interface OpenDatabaseOptions {
  /** Directory of the config file: the default SQLite file `llmgate.db` lives there. */
  configDir: string;
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
  /** Errors of idle PostgreSQL connections (a restart, a network cut); they never crash the process. */
  onConnectionError?: (error: Error) => void;
}

const postgresUrl = /^postgres(ql)?:\/\//i;
const sqliteUrl = /^(sqlite|file):(\/\/)?/i;

/** PostgreSQL types the pg driver returns as strings by default; ours are all within 2^53. */
const int8Oid = 20;
const numericOid = 1700;

/** The settings every connection to an llmgate SQLite database runs with (the main one, a writer thread's). */
export function configureSqliteConnection(connection: BetterSqlite3.Database, path: string): void {
  connection.pragma("busy_timeout = 5000");
  if (path === ":memory:") return;
  whileBusy(() => connection.pragma("journal_mode = WAL"));
  connection.pragma("synchronous = NORMAL");
}

/** How long a start waits for another process that is switching the same new file to WAL. */
const busyRetryMs = 10_000;

/**
 * Switching a new file to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY to a second
 * process doing the same at that moment without waiting for busy_timeout. Retry it, sleeping
 * 10 ms between tries (synchronously: this runs once per connection, at open).
 */
function whileBusy(run: () => unknown): void {
  const deadline = Date.now() + busyRetryMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      run();
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

async function openSqlite(path: string): Promise<Database> {
  const { default: BetterSqlite3 } = await import("better-sqlite3");
  const connection = new BetterSqlite3(path);
  configureSqliteConnection(connection, path);
  const db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: connection }) });
  const closeTasks: (() => Promise<void>)[] = [];
  return {
    db,
    dialect: "sqlite",
    connection,
    path,
    onClose: (task) => closeTasks.push(task),
    close: async () => {
      try {
        for (const task of closeTasks.splice(0)) await task();
      } finally {
        await db.destroy();
      }
    },
  };
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: 5_000,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") => {
        if (oid === int8Oid || oid === numericOid) return (value: string) => Number(value);
        return format === "binary"
          ? pg.types.getTypeParser(oid, "binary")
          : pg.types.getTypeParser(oid, "text");
      }) as typeof pg.types.getTypeParser,
    },
  });
  pool.on("error", (error) => options.onConnectionError?.(error));
  // The pool listens for errors of idle clients only: a connection reset while Kysely holds a client
  // (between a transaction's statements, say) would be an unhandled 'error' event and kill the process.
  pool.on("connect", (client) => {
    client.on("error", (error) => options.onConnectionError?.(error));
  });
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres", close: () => db.destroy() };
}

function sqlitePath(url: string | undefined, configDir: string): string {
  if (url === undefined || url === "") return join(configDir, "llmgate.db");
  if (url === ":memory:") return url;
  const path = url.replace(sqliteUrl, "");
  if (path === ":memory:") return path;
  return isAbsolute(path) ? path : join(configDir, path);
}

async function requireCurrentSchema(db: Kysely<StoreSchema>): Promise<void> {
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = result.rows[0]?.schema;
  if (schema === undefined || schema === null) {
    throw new Error("PostgreSQL has no current schema: check the search_path of the database_url");
  }
}

/**
 * Opens the store's database: no URL -> SQLite file `llmgate.db` in `configDir`; `:memory:` ->
 * in-memory SQLite; `postgres://` or `postgresql://` -> PostgreSQL through a pg pool; `sqlite:PATH`
 * or `file:PATH` -> that SQLite file (relative to `configDir`). Runs pending migrations.
 */
export async function openDatabase(url: string | undefined, options: OpenDatabaseOptions): Promise<Database> {
  if (url !== undefined && !postgresUrl.test(url) && url !== ":memory:" && !sqliteUrl.test(url)) {
    throw new Error(`unsupported database_url (expected postgresql://..., sqlite:PATH or :memory:): ${url}`);
  }
  const database =
    url !== undefined && postgresUrl.test(url)
      ? await openPostgres(url, options)
      : await openSqlite(sqlitePath(url, options.configDir));
  if (options.migrate === false) return database;
  try {
    await prepareDatabase(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** Checks the schema PostgreSQL will use and applies pending migrations (the first round trips). */
export async function prepareDatabase(database: Database): Promise<void> {
  if (database.dialect === "postgres") await requireCurrentSchema(database.db);
  await migrateToLatest(database);
}

/** Error codes of a database that is not (yet) there: worth retrying, unlike a refused login. */
const CONNECTION_FAILURE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  // PostgreSQL: cannot_connect_now (starting up or shutting down), admin_shutdown, crash_shutdown.
  "57P03",
  "57P01",
  "57P02",
]);

/** Whether an error says the database could not be reached (as opposed to refused what was asked). */
export function isConnectionFailure(error: unknown): boolean {
  for (let cause = error, depth = 0; cause !== undefined && cause !== null && depth < 5; depth++) {
    const { code, message, errors } = cause as { code?: unknown; message?: unknown; errors?: unknown };
    if (typeof code === "string" && CONNECTION_FAILURE_CODES.has(code)) return true;
    if (
      typeof message === "string" &&
      /Connection terminated|timeout exceeded when trying to connect/i.test(message)
    )
      return true;
    // Node's AggregateError (IPv4 and IPv6 both refused) carries the failures in `errors`.
    if (Array.isArray(errors) && errors.some((inner) => isConnectionFailure(inner))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
