import { type Kysely, sql } from "kysely";
import type { Database } from "../database.js";
import * as initial from "./0001-initial.js";
import * as responses from "./0002-responses.js";
import * as cacheHit from "./0003-cache-hit.js";

interface Migration {
  up(db: Kysely<unknown>): Promise<void>;
}

/**
 * Versioned migrations, applied in name order at start-up. Additive only: a released migration is
 * never edited; a change is a new entry (`0002_...`) that adds tables, columns or indexes. So an
 * older llmgate keeps working on a database a newer one migrated (a rolling upgrade of several
 * proxies): names it does not know are left alone.
 */
const migrations: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_responses": responses,
  "0003_cache_hit": cacheHit,
};

/** The bookkeeping table: one row per applied migration (the table Kysely's Migrator kept, so older databases carry on). */
const migrationTable = "llmgate_migration";

/** Key of PostgreSQL's transaction-scoped advisory lock that serialises migrations across processes. */
const postgresLockKey = 0x6c6c6d67; // "llmg"

async function applyPending(db: Kysely<unknown>): Promise<string[]> {
  await sql`create table if not exists ${sql.table(migrationTable)} (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(
    db,
  );
  const applied = await sql<{ name: string }>`select name from ${sql.table(migrationTable)}`.execute(db);
  const done = new Set(applied.rows.map((row) => row.name));
  const names = Object.keys(migrations)
    .sort()
    .filter((name) => !done.has(name));
  for (const name of names) {
    await (migrations[name] as Migration).up(db);
    await sql`insert into ${sql.table(migrationTable)} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
      db,
    );
  }
  return names;
}

/**
 * Applies every pending migration in one transaction, holding a lock that every process opening the
 * database takes first: proxies starting together (`--num_workers`, several machines on one
 * PostgreSQL) apply each migration once, and the others wait, then find nothing pending. Plain SQL
 * only: Kysely's Migrator introspects every schema of the database, which fails while another
 * process drops one, and its lock is a no-op on SQLite. Returns the names applied now.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  try {
    if (database.dialect === "postgres") {
      return await database.db.transaction().execute(async (transaction) => {
        await sql`select pg_advisory_xact_lock(${postgresLockKey})`.execute(transaction);
        return applyPending(transaction as unknown as Kysely<unknown>);
      });
    }
    // SQLite: `BEGIN IMMEDIATE` takes the file's write lock (waiting up to busy_timeout). Only this
    // connection runs statements while it is held (start-up), so Kysely's statements join it.
    database.connection.exec("BEGIN IMMEDIATE");
    try {
      const names = await applyPending(database.db as unknown as Kysely<unknown>);
      database.connection.exec("COMMIT");
      return names;
    } finally {
      if (database.connection.inTransaction) database.connection.exec("ROLLBACK");
    }
  } catch (error) {
    throw new Error(`database migration failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
