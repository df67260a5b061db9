import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, Migrator } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestPostgresSchema, type TestPostgresSchema } from "../../test/fakes/test-databases.js";
import { openDatabase } from "./database.js";
import * as initial from "./migrations/0001-initial.js";
import { migrateToLatest } from "./migrations/index.js";
import { SqlKeyStore } from "./sql-key-store.js";

describe("openDatabase with SQLite", () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), "llmgate-store-"));
  });

  afterEach(() => {
    rmSync(configDir, { recursive: true, force: true });
  });

  it("defaults to llmgate.db beside the config, and keeps data across restarts", async () => {
    const first = await openDatabase(undefined, { configDir });
    expect(first.dialect).toBe("sqlite");
    expect(existsSync(join(configDir, "llmgate.db"))).toBe(true);
    await new SqlKeyStore(first.db).create({ tokenHash: "h1", keyAlias: "kept" });
    await first.close();

    const second = await openDatabase(undefined, { configDir });
    expect(await migrateToLatest(second)).toEqual([]);
    expect((await new SqlKeyStore(second.db).findByHash("h1"))?.keyAlias).toBe("kept");
    await second.close();
  });

  it("opens sqlite: paths relative to the config directory", async () => {
    const database = await openDatabase("sqlite:data/../spend.db", { configDir });
    expect(existsSync(join(configDir, "spend.db"))).toBe(true);
    await database.close();
  });

  it("applies each migration once, in order", async () => {
    const database = await openDatabase(":memory:", { configDir, migrate: false });
    expect(await migrateToLatest(database)).toEqual(["0001_initial", "0002_responses", "0003_cache_hit"]);
    expect(await migrateToLatest(database)).toEqual([]);
    await database.close();
  });

  it("carries on a database that Kysely's Migrator migrated (llmgate before its own migrator)", async () => {
    const path = join(configDir, "old.db");
    const old = await openDatabase(`sqlite:${path}`, { configDir, migrate: false });
    const migrator = new Migrator({
      db: old.db as unknown as Kysely<unknown>,
      provider: { getMigrations: async () => ({ "0001_initial": initial }) },
      migrationTableName: "llmgate_migration",
      migrationLockTableName: "llmgate_migration_lock",
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await new SqlKeyStore(old.db).create({ tokenHash: "h1", keyAlias: "kept" });
    await old.close();

    const reopened = await openDatabase(`sqlite:${path}`, { configDir });
    expect(await migrateToLatest(reopened)).toEqual([]);
    expect((await new SqlKeyStore(reopened.db).findByHash("h1"))?.keyAlias).toBe("kept");
    await reopened.close();
  });

  it("refuses a URL it does not support", async () => {
    await expect(openDatabase("mysql://localhost/db", { configDir })).rejects.toThrow(
      /unsupported database_url/,
    );
  });
});

describe("openDatabase with PostgreSQL", () => {
  let schema: TestPostgresSchema;

  beforeEach(async () => {
    schema = await createTestPostgresSchema();
  });

  afterEach(async () => {
    await schema.drop();
  });

  it("migrates in its own schema, and re-running is a no-op that keeps data", async () => {
    const first = await openDatabase(schema.url, { configDir: "." });
    expect(first.dialect).toBe("postgres");
    await new SqlKeyStore(first.db).create({ tokenHash: "h1", maxBudget: 5 });
    await first.close();

    const second = await openDatabase(schema.url, { configDir: "." });
    expect(await migrateToLatest(second)).toEqual([]);
    expect((await new SqlKeyStore(second.db).findByHash("h1"))?.maxBudget).toBe(5);
    await second.close();
  });

  it("runs concurrent start-ups without conflict", async () => {
    const databases = await Promise.all([
      openDatabase(schema.url, { configDir: "." }),
      openDatabase(schema.url, { configDir: "." }),
    ]);
    await new SqlKeyStore(databases[0].db).create({ tokenHash: "h1" });
    expect(await new SqlKeyStore(databases[1].db).findByHash("h1")).toBeDefined();
    await Promise.all(databases.map((database) => database.close()));
  });

  it("fails fast when the server is unreachable", async () => {
    const started = Date.now();
    await expect(openDatabase("postgres://postgres@127.0.0.1:1/test", { configDir: "." })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});
