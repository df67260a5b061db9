import type { Kysely } from "kysely";

/**
 * The first schema. Types are chosen to mean the same in SQLite and PostgreSQL: `text`,
 * `integer`, `bigint` (token sums) and `double precision` (dollars).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("keys")
    .addColumn("token_hash", "text", (column) => column.primaryKey())
    .addColumn("key_alias", "text", (column) => column.unique())
    .addColumn("key_name", "text")
    .addColumn("models", "text", (column) => column.notNull().defaultTo("[]"))
    .addColumn("max_budget", "double precision")
    .addColumn("soft_budget", "double precision")
    .addColumn("spend", "double precision", (column) => column.notNull().defaultTo(0))
    .addColumn("budget_duration", "text")
    .addColumn("budget_reset_at", "text")
    .addColumn("rpm_limit", "integer")
    .addColumn("tpm_limit", "integer")
    .addColumn("max_parallel_requests", "integer")
    .addColumn("expires", "text")
    .addColumn("blocked", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("user_id", "text")
    .addColumn("team_id", "text")
    .addColumn("metadata", "text", (column) => column.notNull().defaultTo("{}"))
    .addColumn("aliases", "text", (column) => column.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (column) => column.notNull())
    .addColumn("updated_at", "text", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("keys_user_id").on("keys").column("user_id").execute();
  await db.schema.createIndex("keys_team_id").on("keys").column("team_id").execute();
  await db.schema.createIndex("keys_budget_reset_at").on("keys").column("budget_reset_at").execute();

  await db.schema
    .createTable("users")
    .addColumn("user_id", "text", (column) => column.primaryKey())
    .addColumn("user_email", "text")
    .addColumn("user_role", "text")
    .addColumn("max_budget", "double precision")
    .addColumn("spend", "double precision", (column) => column.notNull().defaultTo(0))
    .addColumn("models", "text", (column) => column.notNull().defaultTo("[]"))
    .addColumn("rpm_limit", "integer")
    .addColumn("tpm_limit", "integer")
    .addColumn("max_parallel_requests", "integer")
    .addColumn("budget_duration", "text")
    .addColumn("budget_reset_at", "text")
    .addColumn("metadata", "text", (column) => column.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("teams")
    .addColumn("team_id", "text", (column) => column.primaryKey())
    .addColumn("team_alias", "text")
    .addColumn("members", "text", (column) => column.notNull().defaultTo("[]"))
    .addColumn("models", "text", (column) => column.notNull().defaultTo("[]"))
    .addColumn("max_budget", "double precision")
    .addColumn("spend", "double precision", (column) => column.notNull().defaultTo(0))
    .addColumn("budget_duration", "text")
    .addColumn("budget_reset_at", "text")
    .addColumn("rpm_limit", "integer")
    .addColumn("tpm_limit", "integer")
    .addColumn("max_parallel_requests", "integer")
    .addColumn("blocked", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("metadata", "text", (column) => column.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("spend_logs")
    .addColumn("request_id", "text", (column) => column.primaryKey())
    .addColumn("response_id", "text")
    .addColumn("call_type", "text", (column) => column.notNull())
    .addColumn("api_key", "text")
    .addColumn("user_id", "text")
    .addColumn("team_id", "text")
    .addColumn("model_group", "text")
    .addColumn("model", "text")
    .addColumn("deployment_id", "text")
    .addColumn("prompt_tokens", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("completion_tokens", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("total_tokens", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("spend", "double precision", (column) => column.notNull().defaultTo(0))
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("error_code", "text")
    .addColumn("start_time", "text", (column) => column.notNull())
    .addColumn("end_time", "text", (column) => column.notNull())
    .addColumn("latency_ms", "integer")
    .addColumn("metadata", "text", (column) => column.notNull().defaultTo("{}"))
    .execute();
  await db.schema.createIndex("spend_logs_start_time").on("spend_logs").column("start_time").execute();
  await db.schema.createIndex("spend_logs_api_key").on("spend_logs").column("api_key").execute();
  await db.schema.createIndex("spend_logs_user_id").on("spend_logs").column("user_id").execute();
  await db.schema.createIndex("spend_logs_team_id").on("spend_logs").column("team_id").execute();

  await db.schema
    .createTable("daily_spend")
    .addColumn("date", "text", (column) => column.notNull())
    .addColumn("api_key", "text", (column) => column.notNull())
    .addColumn("model_group", "text", (column) => column.notNull())
    .addColumn("team_id", "text", (column) => column.notNull())
    .addColumn("user_id", "text", (column) => column.notNull())
    .addColumn("spend", "double precision", (column) => column.notNull().defaultTo(0))
    .addColumn("prompt_tokens", "bigint", (column) => column.notNull().defaultTo(0))
    .addColumn("completion_tokens", "bigint", (column) => column.notNull().defaultTo(0))
    .addColumn("requests", "bigint", (column) => column.notNull().defaultTo(0))
    .addUniqueConstraint("daily_spend_identity", ["date", "api_key", "model_group", "team_id", "user_id"])
    .execute();
}
