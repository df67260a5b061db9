import type { Kysely } from "kysely";

/** Spend-log rows say whether the response cache answered (LiteLLM's `cache_hit`): 1 or 0. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("spend_logs")
    .addColumn("cache_hit", "integer", (column) => column.notNull().defaultTo(0))
    .execute();
}
