import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, testDialects } from "../../test/fakes/test-databases.js";
import type { Database } from "./database.js";
import { StoreConflictError } from "./errors.js";
import { SqlTeamStore } from "./sql-team-store.js";

const now = new Date("2025-03-01T10:00:00.000Z");

describe.each(testDialects)("SqlTeamStore on %s", (dialect) => {
  let database: Database;
  let teams: SqlTeamStore;

  beforeEach(async () => {
    database = await openTestDatabase(dialect);
    teams = new SqlTeamStore(database.db, { now: () => now });
  });

  afterEach(async () => {
    await database.close();
  });

  it("creates, finds and refuses a duplicate id", async () => {
    const created = await teams.create({
      teamId: "t1",
      teamAlias: "research",
      members: [{ userId: "u1", role: "admin" }],
      models: ["gpt-4o"],
      maxBudget: 100,
      tpmLimit: 10_000,
    });
    expect(created).toEqual({
      teamId: "t1",
      teamAlias: "research",
      members: [{ userId: "u1", role: "admin" }],
      models: ["gpt-4o"],
      spend: 0,
      maxBudget: 100,
      budgetDuration: null,
      budgetResetAt: null,
      rpmLimit: null,
      tpmLimit: 10_000,
      maxParallelRequests: null,
      isBlocked: false,
      metadata: {},
      createdAt: now.toISOString(),
    });
    expect(await teams.findById("t1")).toEqual(created);
    await expect(teams.create({ teamId: "t1" })).rejects.toBeInstanceOf(StoreConflictError);
  });

  it("adds members, changes a role, and removes members", async () => {
    await teams.create({ teamId: "t1", members: [{ userId: "u1", role: "admin" }] });
    const added = await teams.addMembers("t1", [
      { userId: "u2", role: "user" },
      { userId: "u1", role: "user" },
    ]);
    expect(added?.members).toEqual([
      { userId: "u1", role: "user" },
      { userId: "u2", role: "user" },
    ]);
    const removed = await teams.removeMembers("t1", ["u1", "u9"]);
    expect(removed?.members).toEqual([{ userId: "u2", role: "user" }]);
    expect(await teams.addMembers("missing", [{ userId: "u1", role: "user" }])).toBeUndefined();
  });

  it("keeps every member when adds run concurrently", async () => {
    await teams.create({ teamId: "t1" });
    await Promise.all(
      Array.from({ length: 4 }, (_, index) =>
        teams.addMembers("t1", [{ userId: `u${index}`, role: "user" }]),
      ),
    );
    const members = (await teams.findById("t1"))?.members.map((member) => member.userId).sort();
    expect(members).toEqual(["u0", "u1", "u2", "u3"]);
  });

  it("updates, blocks, increments spend, lists and deletes", async () => {
    await teams.create({ teamId: "t1" });
    await teams.create({ teamId: "t2" });
    expect(await teams.update("t1", { teamAlias: "renamed", budgetDuration: "30s" })).toMatchObject({
      teamAlias: "renamed",
      budgetResetAt: "2025-03-01T10:00:30.000Z",
    });
    expect((await teams.setBlocked("t1", true))?.isBlocked).toBe(true);
    await teams.incrementSpend("t1", 2.25);
    expect((await teams.findById("t1"))?.spend).toBe(2.25);
    const page = await teams.list({ pageSize: 1 });
    expect(page.total).toBe(2);
    expect(page.teams.map((team) => team.teamId)).toEqual(["t1"]);
    expect(await teams.delete(["t2"])).toEqual(["t2"]);
    expect((await teams.list()).total).toBe(1);
  });
});
