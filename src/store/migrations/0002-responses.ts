import type { Kysely } from "kysely";

/**
 * Stored Responses (`store: true`, the default): the response object, the items of its request and
 * the whole context it answered, so that `previous_response_id` continues a conversation on any
 * deployment and any proxy. `api_key` is the owning virtual key's hash (null for the master key).
 * Same column types in SQLite and PostgreSQL: JSON as text, timestamps as ISO-8601 text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("responses")
    .addColumn("response_id", "text", (column) => column.primaryKey())
    .addColumn("api_key", "text")
    .addColumn("model", "text")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("response", "text", (column) => column.notNull())
    .addColumn("input_items", "text", (column) => column.notNull().defaultTo("[]"))
    .addColumn("context_items", "text", (column) => column.notNull().defaultTo("[]"))
    .addColumn("created_at", "text", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("responses_api_key").on("responses").column("api_key").execute();
}
