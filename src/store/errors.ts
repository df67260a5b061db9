/** A create or update collided with an existing row (a duplicate id, hash or alias). */
export class StoreConflictError extends Error {
  readonly table: string;

  constructor(table: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreConflictError";
    this.table = table;
  }
}

/** Whether a driver error is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  const code = (error as { code: unknown }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** Runs `write`, turning a unique violation into a StoreConflictError. */
export async function rethrowConflict<T>(
  table: string,
  message: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new StoreConflictError(table, message, { cause: error });
    throw error;
  }
}
