import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, testDialects } from "../../test/fakes/test-databases.js";
import type { Database } from "./database.js";
import type { SpendLogEntry } from "./spend-store.js";
import { SqlKeyStore } from "./sql-key-store.js";
import { SqlSpendStore } from "./sql-spend-store.js";
import { SqlTeamStore } from "./sql-team-store.js";
import { SqlUserStore } from "./sql-user-store.js";

function entry(requestId: string, overrides: Partial<SpendLogEntry> = {}): SpendLogEntry {
  return {
    requestId,
    callType: "acompletion",
    apiKey: "key-a",
    userId: "u1",
    teamId: "t1",
    modelGroup: "gpt-4o",
    model: "gpt-4o-2024-08-06",
    deploymentId: "d1",
    promptTokens: 100,
    completionTokens: 50,
    spend: 0.25,
    status: "success",
    startTime: "2025-03-01T10:00:00.000Z",
    endTime: "2025-03-01T10:00:01.500Z",
    ...overrides,
  };
}

describe.each(testDialects)("SqlSpendStore on %s", (dialect) => {
  let database: Database;
  let spend: SqlSpendStore;

  beforeEach(async () => {
    database = await openTestDatabase(dialect);
    spend = new SqlSpendStore(database);
  });

  afterEach(async () => {
    await database.close();
  });

  it("stores a row with derived total tokens and latency", async () => {
    await spend.insertBatch([entry("r1", { responseId: "chatcmpl-1", metadata: { route: "/v1/chat" } })]);
    expect(await spend.queryLogs({ requestId: "r1" })).toEqual([
      {
        requestId: "r1",
        responseId: "chatcmpl-1",
        callType: "acompletion",
        apiKey: "key-a",
        userId: "u1",
        teamId: "t1",
        modelGroup: "gpt-4o",
        model: "gpt-4o-2024-08-06",
        deploymentId: "d1",
        promptTokens: 100,
        completionTokens: 50,
        totalTokens: 150,
        spend: 0.25,
        status: "success",
        errorCode: null,
        startTime: "2025-03-01T10:00:00.000Z",
        endTime: "2025-03-01T10:00:01.500Z",
        latencyMs: 1500,
        metadata: { route: "/v1/chat" },
        cacheHit: false,
      },
    ]);
  });

  it("adds the batch's spend to the key, user and team in the same transaction", async () => {
    const keys = new SqlKeyStore(database.db);
    const users = new SqlUserStore(database.db);
    const teams = new SqlTeamStore(database.db);
    await keys.create({ tokenHash: "key-a" });
    await users.create({ userId: "u1" });
    await teams.create({ teamId: "t1" });
    await spend.insertBatch([
      entry("r1"),
      entry("r2", { spend: 0.5 }),
      entry("r3", { apiKey: "unknown-key" }),
    ]);
    expect((await keys.findByHash("key-a"))?.spend).toBe(0.75);
    expect((await users.findById("u1"))?.spend).toBe(1);
    expect((await teams.findById("t1"))?.spend).toBe(1);
  });

  it("skips request ids already stored or repeated, so a retried batch never counts twice", async () => {
    const keys = new SqlKeyStore(database.db);
    await keys.create({ tokenHash: "key-a" });
    expect(await spend.insertBatch([entry("r1"), entry("r1")])).toEqual({ inserted: 1, skipped: 1 });
    expect(await spend.insertBatch([entry("r1"), entry("r2")])).toEqual({ inserted: 1, skipped: 1 });
    expect((await keys.findByHash("key-a"))?.spend).toBe(0.5);
    expect((await spend.globalSpend()).requests).toBe(2);
  });

  it("writes nothing when a batch fails", async () => {
    await spend.insertBatch([entry("r1")]);
    const broken = entry("r2", { status: "success", callType: null as unknown as string });
    await expect(spend.insertBatch([entry("r3"), broken])).rejects.toThrow();
    expect((await spend.queryLogs()).map((row) => row.requestId)).toEqual(["r1"]);
    expect(await spend.globalSpend()).toEqual({
      spend: 0.25,
      promptTokens: 100,
      completionTokens: 50,
      requests: 1,
    });
  });

  it("filters logs by key, user, team and dates, newest first", async () => {
    await spend.insertBatch([
      entry("r1", { startTime: "2025-03-01T09:00:00.000Z", endTime: "2025-03-01T09:00:01.000Z" }),
      entry("r2", {
        apiKey: "key-b",
        userId: "u2",
        startTime: "2025-03-02T09:00:00.000Z",
        endTime: "2025-03-02T09:00:01.000Z",
      }),
      entry("r3", {
        teamId: null,
        status: "failure",
        errorCode: "429",
        spend: 0,
        startTime: "2025-03-03T23:59:59.000Z",
        endTime: "2025-03-04T00:00:00.000Z",
      }),
    ]);
    const ids = async (filter: Parameters<SqlSpendStore["queryLogs"]>[0]) =>
      (await spend.queryLogs(filter)).map((row) => row.requestId);
    expect(await ids({})).toEqual(["r3", "r2", "r1"]);
    expect(await ids({ apiKey: "key-b" })).toEqual(["r2"]);
    expect(await ids({ userId: "u1" })).toEqual(["r3", "r1"]);
    expect(await ids({ teamId: "t1" })).toEqual(["r2", "r1"]);
    expect(await ids({ startDate: "2025-03-02", endDate: "2025-03-03" })).toEqual(["r3", "r2"]);
    expect(await ids({ endDate: "2025-03-01" })).toEqual(["r1"]);
    expect(
      await ids({ startDate: "2025-03-01T09:00:00.001Z", endDate: new Date("2025-03-02T09:00:00.000Z") }),
    ).toEqual(["r2"]);
    expect(await ids({ limit: 1, offset: 1 })).toEqual(["r2"]);
    expect(await ids({ status: "failure" })).toEqual(["r3"]);
    expect(await ids({ status: "success", apiKey: "key-a" })).toEqual(["r1"]);
    expect(await ids({ model: "gpt-4o" })).toEqual(["r3", "r2", "r1"]);
    expect(await ids({ model: "gpt-4o-2024-08-06" })).toEqual(["r3", "r2", "r1"]);
    expect(await ids({ model: "claude" })).toEqual([]);
    expect((await spend.queryLogs({ requestId: "r3" }))[0]).toMatchObject({
      status: "failure",
      errorCode: "429",
      teamId: null,
    });
  });

  it("upserts daily totals across batches and reports them by model, key, team and user", async () => {
    await spend.insertBatch([entry("r1"), entry("r2", { modelGroup: "claude", spend: 1 })]);
    await spend.insertBatch([
      entry("r3"),
      entry("r4", { apiKey: null, teamId: null, startTime: "2025-03-02T00:00:00.000Z" }),
    ]);
    expect(await spend.dailyReport({ groupBy: "model" })).toEqual([
      { date: "2025-03-01", group: "claude", spend: 1, promptTokens: 100, completionTokens: 50, requests: 1 },
      {
        date: "2025-03-01",
        group: "gpt-4o",
        spend: 0.5,
        promptTokens: 200,
        completionTokens: 100,
        requests: 2,
      },
      {
        date: "2025-03-02",
        group: "gpt-4o",
        spend: 0.25,
        promptTokens: 100,
        completionTokens: 50,
        requests: 1,
      },
    ]);
    expect(await spend.dailyReport({ groupBy: "team", startDate: "2025-03-02" })).toEqual([
      { date: "2025-03-02", group: null, spend: 0.25, promptTokens: 100, completionTokens: 50, requests: 1 },
    ]);
    expect(
      (await spend.dailyReport({ groupBy: "key", endDate: "2025-03-01" })).map((row) => row.group),
    ).toEqual(["key-a"]);
    expect((await spend.dailyReport({ groupBy: "user" })).map((row) => row.requests)).toEqual([3, 1]);
    expect(await spend.globalSpend()).toEqual({
      spend: 1.75,
      promptTokens: 400,
      completionTokens: 200,
      requests: 4,
    });
    expect((await spend.globalSpend({ startDate: "2025-03-02", endDate: "2025-03-02" })).spend).toBe(0.25);
    expect(await spend.globalSpend({ startDate: "2026-01-01" })).toEqual({
      spend: 0,
      promptTokens: 0,
      completionTokens: 0,
      requests: 0,
    });
  });

  it("stores large batches, skipping ids stored already, in one all-or-nothing transaction", async () => {
    // Larger than the SQLite writer's slice (it lets the event loop run between slices).
    const batch = Array.from({ length: 4_500 }, (_, index) =>
      entry(`r${index}`, { spend: 0.01, apiKey: `k${index % 7}` }),
    );
    expect(await spend.insertBatch(batch.slice(4_000))).toEqual({ inserted: 500, skipped: 0 });
    const broken = entry("broken", { callType: null as unknown as string });
    await expect(spend.insertBatch([...batch, broken])).rejects.toThrow();
    expect((await spend.globalSpend()).requests).toBe(500);
    expect(await spend.insertBatch(batch)).toEqual({ inserted: 4_000, skipped: 500 });
    expect((await spend.globalSpend()).requests).toBe(4_500);
    expect((await spend.globalSpend()).spend).toBeCloseTo(45, 10);
  });

  it("keeps text with quotes, backslashes, commas, braces and the word NULL intact", async () => {
    const metadata = { note: 'say "hi" \\ {a,b}', empty: "", text: "NULL", unicode: "ünï ✓" };
    await spend.insertBatch([
      entry("r1", { errorCode: "NULL", model: 'gpt "4o", {x}', userId: "", metadata }),
      entry("r2", { responseId: "a\\b", apiKey: null, deploymentId: null }),
    ]);
    expect((await spend.queryLogs({ requestId: "r1" }))[0]).toMatchObject({
      errorCode: "NULL",
      model: 'gpt "4o", {x}',
      userId: "",
      metadata,
    });
    expect((await spend.queryLogs({ requestId: "r2" }))[0]).toMatchObject({
      responseId: "a\\b",
      apiKey: null,
      deploymentId: null,
    });
  });

  it("never joins a transaction another caller has open on the database", async () => {
    let writing: Promise<unknown> = Promise.resolve();
    await expect(
      database.db.transaction().execute(async (transaction) => {
        await sql`select 1`.execute(transaction);
        writing = spend.insertBatch([entry("r1")]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await writing).toEqual({ inserted: 1, skipped: 0 });
    expect((await spend.queryLogs()).map((row) => row.requestId)).toEqual(["r1"]);
  });
});
