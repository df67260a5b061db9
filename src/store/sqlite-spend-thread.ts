// The body of the spend writer thread (see ThreadedSqliteSpendWriter): its own connection to the
// database file, writing each batch it is sent straight through, and answering with the count.
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { configureSqliteConnection } from "./database.js";
import type { SpendLogsTable } from "./schema.js";
import { prepareSpendStatements, type SpendStatements, writeSpendBatch } from "./sqlite-spend-writer.js";

export interface SpendThreadRequest {
  id: number;
  rows: SpendLogsTable[];
}

/** A failed batch: the error's message and SQLite code (e.g. SQLITE_CONSTRAINT_NOTNULL) for the logs. */
export type SpendThreadAnswer =
  | { id: number; inserted: number }
  | { id: number; error: { message: string; code: string | undefined } };

function describe(error: unknown): { message: string; code: string | undefined } {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    message: error instanceof Error ? error.message : String(error),
    code: typeof code === "string" ? code : undefined,
  };
}

const { path } = workerData as { path: string };
const connection = new BetterSqlite3(path);
configureSqliteConnection(connection, path);
let statements: SpendStatements | undefined;

parentPort?.on("message", (request: SpendThreadRequest) => {
  const answer = (message: SpendThreadAnswer) => parentPort?.postMessage(message);
  try {
    statements ??= prepareSpendStatements(connection);
    writeSpendBatch(connection, statements, request.rows).then(
      (inserted) => answer({ id: request.id, inserted }),
      (error: unknown) => answer({ id: request.id, error: describe(error) }),
    );
  } catch (error) {
    answer({ id: request.id, error: describe(error) });
  }
});
