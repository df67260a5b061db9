import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as initial from "./0001-initial.js";

/**
 * Versioned migrations, applied in name order at start-up. Additive only: a released migration is
 * never edited; a change is a new entry (`0002_...`) that adds tables, columns or indexes.
 */
const migrations: Record<string, Migration> = {
  "0001_initial": initial,
};

const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export interface MigrateOptions {
  /** PostgreSQL schema that holds the bookkeeping tables (the connection's current schema). */
  bookkeepingSchema?: string;
  /** Run without Kysely's own transaction: the caller holds one (SQLite's `BEGIN IMMEDIATE`). */
  disableTransactions?: boolean;
}

/** Applies every pending migration; returns the names applied now (empty when up to date). */
export async function migrateToLatest(db: Kysely<unknown>, options: MigrateOptions = {}): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName: "llmgate_migration",
    migrationLockTableName: "llmgate_migration_lock",
    ...(options.bookkeepingSchema === undefined ? {} : { migrationTableSchema: options.bookkeepingSchema }),
    disableTransactions: options.disableTransactions === true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw new Error(`database migration failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? [])
    .filter((result) => result.status === "Success")
    .map((result) => result.migrationName);
}
