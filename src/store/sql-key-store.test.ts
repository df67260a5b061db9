import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, testDialects } from "../../test/fakes/test-databases.js";
import type { Database } from "./database.js";
import { StoreConflictError } from "./errors.js";
import { displayKeyName, hashApiKey } from "./key-hash.js";
import { SqlKeyStore } from "./sql-key-store.js";

const now = new Date("2025-03-01T10:00:00.000Z");
const clock = { now: () => now };

describe.each(testDialects)("SqlKeyStore on %s", (dialect) => {
  let database: Database;
  let keys: SqlKeyStore;

  beforeEach(async () => {
    database = await openTestDatabase(dialect);
    keys = new SqlKeyStore(database.db, clock);
  });

  afterEach(async () => {
    await database.close();
  });

  it("creates a key with defaults and finds it by hash and alias", async () => {
    const created = await keys.create({ tokenHash: "h1", keyAlias: "alpha", keyName: "sk-...abcd" });
    expect(created).toEqual({
      tokenHash: "h1",
      keyAlias: "alpha",
      keyName: "sk-...abcd",
      models: [],
      softBudget: null,
      spend: 0,
      maxBudget: null,
      budgetDuration: null,
      budgetResetAt: null,
      rpmLimit: null,
      tpmLimit: null,
      maxParallelRequests: null,
      expires: null,
      isBlocked: false,
      userId: null,
      teamId: null,
      metadata: {},
      aliases: {},
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    expect(await keys.findByHash("h1")).toEqual(created);
    expect(await keys.findByAlias("alpha")).toEqual(created);
    expect(await keys.findByHash("missing")).toBeUndefined();
  });

  it("round-trips every field, JSON and booleans included", async () => {
    await keys.create({
      tokenHash: "h1",
      models: ["gpt-4o", "claude-sonnet-4"],
      maxBudget: 10.5,
      softBudget: 5,
      budgetDuration: "30d",
      rpmLimit: 100,
      tpmLimit: 50_000,
      maxParallelRequests: 4,
      expires: new Date("2025-04-01T00:00:00.000Z"),
      isBlocked: true,
      userId: "u1",
      teamId: "t1",
      metadata: { owner: "ops", nested: { level: 2 } },
      aliases: { fast: "gpt-4o-mini" },
    });
    const found = await keys.findByHash("h1");
    expect(found).toMatchObject({
      models: ["gpt-4o", "claude-sonnet-4"],
      maxBudget: 10.5,
      softBudget: 5,
      budgetDuration: "30d",
      budgetResetAt: "2025-03-31T10:00:00.000Z",
      rpmLimit: 100,
      tpmLimit: 50_000,
      maxParallelRequests: 4,
      expires: "2025-04-01T00:00:00.000Z",
      isBlocked: true,
      userId: "u1",
      teamId: "t1",
      metadata: { owner: "ops", nested: { level: 2 } },
      aliases: { fast: "gpt-4o-mini" },
    });
  });

  it("refuses a duplicate hash or alias with a conflict error", async () => {
    await keys.create({ tokenHash: "h1", keyAlias: "alpha" });
    await expect(keys.create({ tokenHash: "h1" })).rejects.toBeInstanceOf(StoreConflictError);
    await expect(keys.create({ tokenHash: "h2", keyAlias: "alpha" })).rejects.toBeInstanceOf(
      StoreConflictError,
    );
    await keys.create({ tokenHash: "h3" });
    await keys.create({ tokenHash: "h4" });
    await expect(keys.update("h3", { keyAlias: "alpha" })).rejects.toBeInstanceOf(StoreConflictError);
  });

  it("updates only the given fields", async () => {
    await keys.create({ tokenHash: "h1", models: ["a"], maxBudget: 1, metadata: { a: 1 } });
    const updated = await keys.update("h1", { maxBudget: null, metadata: { b: 2 }, budgetDuration: "1h" });
    expect(updated).toMatchObject({
      models: ["a"],
      maxBudget: null,
      metadata: { b: 2 },
      budgetDuration: "1h",
      budgetResetAt: "2025-03-01T11:00:00.000Z",
    });
    expect(await keys.update("missing", { maxBudget: 1 })).toBeUndefined();
  });

  it("blocks, unblocks and increments spend", async () => {
    await keys.create({ tokenHash: "h1" });
    expect((await keys.setBlocked("h1", true))?.isBlocked).toBe(true);
    expect((await keys.setBlocked("h1", false))?.isBlocked).toBe(false);
    await keys.incrementSpend("h1", 0.25);
    await keys.incrementSpend("h1", 0.5);
    await keys.incrementSpend("missing", 1);
    expect((await keys.findByHash("h1"))?.spend).toBe(0.75);
  });

  it("replaces a key's hash, keeping its fields", async () => {
    await keys.create({ tokenHash: hashApiKey("sk-old"), keyAlias: "alpha", maxBudget: 3 });
    const replaced = await keys.replaceHash(
      hashApiKey("sk-old"),
      hashApiKey("sk-new1234"),
      displayKeyName("sk-new1234"),
    );
    expect(replaced).toMatchObject({
      tokenHash: hashApiKey("sk-new1234"),
      keyName: "sk-...1234",
      maxBudget: 3,
    });
    expect(await keys.findByHash(hashApiKey("sk-old"))).toBeUndefined();
  });

  it("deletes by hashes and aliases, returning the deleted hashes", async () => {
    await keys.create({ tokenHash: "h1", keyAlias: "a1" });
    await keys.create({ tokenHash: "h2", keyAlias: "a2" });
    await keys.create({ tokenHash: "h3" });
    const deleted = await keys.delete({ tokenHashes: ["h1", "nope"], keyAliases: ["a2"] });
    expect(deleted.sort()).toEqual(["h1", "h2"]);
    expect(await keys.delete({})).toEqual([]);
    expect((await keys.list()).keys.map((key) => key.tokenHash)).toEqual(["h3"]);
  });

  it("lists with filters and pages", async () => {
    for (let index = 0; index < 5; index += 1) {
      await keys.create({ tokenHash: `h${index}`, userId: index < 3 ? "u1" : "u2", teamId: "t1" });
    }
    const firstPage = await keys.list({ userId: "u1", pageSize: 2, page: 1 });
    const secondPage = await keys.list({ userId: "u1", pageSize: 2, page: 2 });
    expect(firstPage.total).toBe(3);
    expect(firstPage.keys.map((key) => key.tokenHash)).toEqual(["h0", "h1"]);
    expect(secondPage.keys.map((key) => key.tokenHash)).toEqual(["h2"]);
    expect((await keys.list({ teamId: "t1" })).total).toBe(5);
    expect((await keys.list({ teamId: "t2" })).keys).toEqual([]);
  });
});

describe("hashApiKey", () => {
  it("is the SHA-256 hex of the raw key, and the display name shows its last four characters", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(displayKeyName("sk-abcdefgh")).toBe("sk-...efgh");
  });
});
