import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, testDialects } from "../../test/fakes/test-databases.js";
import type { Database } from "./database.js";
import { StoreConflictError } from "./errors.js";
import { SqlUserStore } from "./sql-user-store.js";

const now = new Date("2025-03-01T10:00:00.000Z");

describe.each(testDialects)("SqlUserStore on %s", (dialect) => {
  let database: Database;
  let users: SqlUserStore;

  beforeEach(async () => {
    database = await openTestDatabase(dialect);
    users = new SqlUserStore(database.db, { now: () => now });
  });

  afterEach(async () => {
    await database.close();
  });

  it("creates, finds and refuses a duplicate id", async () => {
    const created = await users.create({
      userId: "u1",
      userEmail: "u1@example.com",
      userRole: "internal_user",
      models: ["gpt-4o"],
      maxBudget: 20,
      budgetDuration: "1d",
      rpmLimit: 10,
      metadata: { team: "ml" },
    });
    expect(created).toEqual({
      userId: "u1",
      userEmail: "u1@example.com",
      userRole: "internal_user",
      spend: 0,
      models: ["gpt-4o"],
      maxBudget: 20,
      budgetDuration: "1d",
      budgetResetAt: "2025-03-02T10:00:00.000Z",
      rpmLimit: 10,
      tpmLimit: null,
      maxParallelRequests: null,
      metadata: { team: "ml" },
      createdAt: now.toISOString(),
    });
    expect(await users.findById("u1")).toEqual(created);
    await expect(users.create({ userId: "u1" })).rejects.toBeInstanceOf(StoreConflictError);
  });

  it("updates, increments spend and deletes", async () => {
    await users.create({ userId: "u1" });
    expect(await users.update("u1", { userEmail: "new@example.com", tpmLimit: 1000 })).toMatchObject({
      userEmail: "new@example.com",
      tpmLimit: 1000,
    });
    expect(await users.update("u1", {})).toMatchObject({ userId: "u1" });
    expect(await users.update("nobody", { tpmLimit: 1 })).toBeUndefined();
    await users.incrementSpend("u1", 1.5);
    expect((await users.findById("u1"))?.spend).toBe(1.5);
    expect(await users.delete(["u1", "nobody"])).toEqual(["u1"]);
    expect(await users.findById("u1")).toBeUndefined();
  });

  it("lists by role with pages", async () => {
    await users.create({ userId: "a", userRole: "proxy_admin" });
    await users.create({ userId: "b", userRole: "internal_user" });
    await users.create({ userId: "c", userRole: "internal_user" });
    const page = await users.list({ userRole: "internal_user", pageSize: 1, page: 2 });
    expect(page.total).toBe(2);
    expect(page.users.map((user) => user.userId)).toEqual(["c"]);
    expect((await users.list()).total).toBe(3);
  });
});
