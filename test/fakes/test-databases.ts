/**
 * Test support: a fresh, migrated database of either dialect. PostgreSQL gets its own schema on the
 * server at LLMGATE_TEST_POSTGRES_URL (default the local `test` database), dropped on close, so test
 * files running side by side never see each other's rows.
 */

import { randomBytes } from "node:crypto";
import { type Database, type DialectName, openDatabase } from "../../src/store/database.js";

export const testDialects: DialectName[] = ["sqlite", "postgres"];

export function testPostgresUrl(): string {
  return process.env.LLMGATE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
}

async function runAdminStatement(statement: string): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A URL whose connections use `schema` as their search_path. */
export function withSearchPath(url: string, schema: string): string {
  const separator = url.includes("?") ? "&" : "?";
  return `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

export interface TestPostgresSchema {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestPostgresSchema(): Promise<TestPostgresSchema> {
  const name = `llmgate_test_${randomBytes(6).toString("hex")}`;
  await runAdminStatement(`create schema "${name}"`);
  return {
    name,
    url: withSearchPath(testPostgresUrl(), name),
    drop: () => runAdminStatement(`drop schema if exists "${name}" cascade`),
  };
}

export async function openTestDatabase(dialect: DialectName): Promise<Database> {
  if (dialect === "sqlite") return openDatabase(":memory:", { configDir: "." });
  const schema = await createTestPostgresSchema();
  const database = await openDatabase(schema.url, { configDir: "." });
  return {
    ...database,
    close: async () => {
      await database.close();
      await schema.drop();
    },
  };
}
