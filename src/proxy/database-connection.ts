import {
  type Database,
  isConnectionFailure,
  type OpenDatabaseOptions,
  openDatabase,
  prepareDatabase,
} from "../store/index.js";

export type DatabaseStatus = "connected" | "unreachable";

export interface DatabaseLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export interface DatabaseConnection {
  database: Database;
  status(): DatabaseStatus;
  /** Stops retrying (shutdown); the database itself is closed by its owner. */
  stop(): void;
}

const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 5_000;

/**
 * Opens the store's database. A PostgreSQL that does not answer yet (it starts after the proxy, or
 * is being restarted) does not stop the proxy: it serves at once (the master key, and keys once they
 * can be checked), retries the connection with backoff, and applies migrations when it answers.
 * Any other failure (a refused login, a bad URL) stops the start as before.
 */
export async function connectDatabase(
  url: string | undefined,
  options: OpenDatabaseOptions,
  log: DatabaseLog,
): Promise<DatabaseConnection> {
  const database = await openDatabase(url, { ...options, migrate: false });
  try {
    await prepareDatabase(database);
    return { database, status: () => "connected", stop: () => {} };
  } catch (error) {
    if (database.dialect !== "postgres" || !isConnectionFailure(error)) {
      await database.close();
      throw error;
    }
    log.warn(
      { reason: error instanceof Error ? error.message : String(error) },
      "PostgreSQL does not answer: serving without it (virtual keys cannot be checked, spend rows wait) and retrying",
    );
  }
  let status: DatabaseStatus = "unreachable";
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  const retry = (delayMs: number) => {
    timer = setTimeout(() => {
      prepareDatabase(database).then(
        () => {
          if (isStopped) return;
          status = "connected";
          log.info({}, "PostgreSQL answers: migrations applied, keys are checked and spend rows written");
        },
        (error: unknown) => {
          if (isStopped) return;
          if (!isConnectionFailure(error))
            log.warn({ err: error }, "PostgreSQL answered with an error; retrying");
          retry(Math.min(delayMs * 2, LONGEST_RETRY_MS));
        },
      );
    }, delayMs);
    timer.unref();
  };
  retry(FIRST_RETRY_MS);
  return {
    database,
    status: () => status,
    stop: () => {
      isStopped = true;
      clearTimeout(timer);
    },
  };
}
