import type { ManagementDependencies } from "./types.js";

/** Writes the queued spend so a read shows it; a database that is down leaves the stored figure. */
export async function flushSpendQuietly(dependencies: ManagementDependencies): Promise<void> {
  try {
    await dependencies.flushSpend();
  } catch {
    // The rows stay queued and are written when the database returns; the read shows what is stored.
  }
}
