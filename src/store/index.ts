/** The store's public surface (for the proxy; the SDK never imports it). */
export { type BudgetResetResult, resetExpiredBudgets } from "./budget-reset.js";
export type { Clock } from "./codec.js";
export {
  type Database,
  type DialectName,
  isConnectionFailure,
  type OpenDatabaseOptions,
  openDatabase,
  type PostgresDatabase,
  prepareDatabase,
  type SqliteDatabase,
} from "./database.js";
export { addDuration, type Duration, nextResetAfter, parseDuration, requireDuration } from "./duration.js";
export { isUniqueViolation, StoreConflictError } from "./errors.js";
export { displayKeyName, hashApiKey } from "./key-hash.js";
export type * from "./key-store.js";
export { MemoryResponseStore } from "./memory-response-store.js";
export { migrateToLatest } from "./migrations/index.js";
export type * from "./response-store.js";
export {
  type FlushOptions,
  type QueueTimers,
  SpendQueue,
  type SpendQueueOptions,
  type SpendQueueStats,
} from "./spend-queue.js";
export type * from "./spend-store.js";
export { SqlKeyStore } from "./sql-key-store.js";
export { SqlResponseStore } from "./sql-response-store.js";
export { SqlSpendStore } from "./sql-spend-store.js";
export { SqlTeamStore } from "./sql-team-store.js";
export { SqlUserStore } from "./sql-user-store.js";
export { createSqlStores, type Stores } from "./stores.js";
export type * from "./team-store.js";
export type * from "./user-store.js";
