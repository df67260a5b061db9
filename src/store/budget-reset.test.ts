import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, testDialects } from "../../test/fakes/test-databases.js";
import { resetExpiredBudgets } from "./budget-reset.js";
import type { Database } from "./database.js";
import { SqlKeyStore } from "./sql-key-store.js";
import { SqlTeamStore } from "./sql-team-store.js";
import { SqlUserStore } from "./sql-user-store.js";

const created = new Date("2025-03-01T00:00:00.000Z");
const clock = { now: () => created };

describe.each(testDialects)("resetExpiredBudgets on %s", (dialect) => {
  let database: Database;

  beforeEach(async () => {
    database = await openTestDatabase(dialect);
  });

  afterEach(async () => {
    await database.close();
  });

  it("zeroes spend of due keys, users and teams and moves their reset time forward", async () => {
    const keys = new SqlKeyStore(database.db, clock);
    const users = new SqlUserStore(database.db, clock);
    const teams = new SqlTeamStore(database.db, clock);
    await keys.create({ tokenHash: "daily", budgetDuration: "1d", spend: 5 });
    await keys.create({ tokenHash: "monthly", budgetDuration: "1mo", spend: 7 });
    await keys.create({ tokenHash: "no-duration", spend: 3 });
    await users.create({ userId: "u1", budgetDuration: "1h", spend: 2 });
    await teams.create({ teamId: "t1", budgetDuration: "30s", spend: 4 });

    const later = new Date("2025-03-03T12:00:00.000Z");
    expect(await resetExpiredBudgets(database.db, later)).toEqual({
      keys: ["daily"],
      users: ["u1"],
      teams: ["t1"],
    });

    expect(await keys.findByHash("daily")).toMatchObject({
      spend: 0,
      budgetResetAt: "2025-03-04T00:00:00.000Z",
    });
    expect(await keys.findByHash("monthly")).toMatchObject({
      spend: 7,
      budgetResetAt: "2025-04-01T00:00:00.000Z",
    });
    expect(await keys.findByHash("no-duration")).toMatchObject({ spend: 3, budgetResetAt: null });
    expect(await users.findById("u1")).toMatchObject({ spend: 0, budgetResetAt: "2025-03-03T13:00:00.000Z" });
    expect(await teams.findById("t1")).toMatchObject({ spend: 0, budgetResetAt: "2025-03-03T12:00:30.000Z" });

    expect(await resetExpiredBudgets(database.db, later)).toEqual({ keys: [], users: [], teams: [] });
  });

  it("resets a budget due exactly now", async () => {
    const keys = new SqlKeyStore(database.db, clock);
    await keys.create({ tokenHash: "k", budgetDuration: "1d", spend: 1 });
    const due = new Date("2025-03-02T00:00:00.000Z");
    expect((await resetExpiredBudgets(database.db, due)).keys).toEqual(["k"]);
    expect(await keys.findByHash("k")).toMatchObject({ spend: 0, budgetResetAt: "2025-03-03T00:00:00.000Z" });
  });
});
