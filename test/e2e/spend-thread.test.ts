// The spend writer thread runs from the built package (its script is a built file): these tests load
// the store from dist/, as the llmgate command does, against a SQLite file.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/store/database.js";
import type { SpendLogEntry } from "../../src/store/spend-store.js";

/** A module of the built store (a path TypeScript does not follow: dist/ may not exist when it checks). */
function built(name: string): Promise<unknown> {
  return import(new URL(`../../dist/store/${name}.js`, import.meta.url).href);
}

const { openDatabase } = (await built("database")) as typeof import("../../src/store/database.js");
const { SqlSpendStore } = (await built(
  "sql-spend-store",
)) as typeof import("../../src/store/sql-spend-store.js");
const { SqlKeyStore } = (await built("sql-key-store")) as typeof import("../../src/store/sql-key-store.js");
const { canWriteSpendOnThread, ThreadedSqliteSpendWriter } = (await built(
  "threaded-spend-writer",
)) as typeof import("../../src/store/threaded-spend-writer.js");
const { toSpendLogRow } = (await built("spend-rows")) as typeof import("../../src/store/spend-rows.js");

function entry(requestId: string, apiKey: string): SpendLogEntry {
  return {
    requestId,
    callType: "acompletion",
    apiKey,
    userId: null,
    teamId: null,
    modelGroup: "m",
    model: "m",
    deploymentId: "d1",
    promptTokens: 10,
    completionTokens: 5,
    spend: 0.5,
    status: "success",
    startTime: "2026-11-28T10:00:00.000Z",
    endTime: "2026-11-28T10:00:01.000Z",
  };
}

describe("spend batches written on a thread (SQLite file)", () => {
  let directory: string;
  let database: Database;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "llmgate-spend-thread-"));
    database = await openDatabase(`sqlite:${join(directory, "spend.db")}`, { configDir: directory });
  });

  afterEach(async () => {
    await database.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("inserts new rows once, adds their spend to the key, and shows them to the main connection", async () => {
    expect(database.dialect === "sqlite" && canWriteSpendOnThread(database.path)).toBe(true);
    const keys = new SqlKeyStore(database.db);
    const created = await keys.create({ tokenHash: "hash-a", keyName: "sk-...a" });
    const spend = new SqlSpendStore(database);
    const batch = Array.from({ length: 1200 }, (_, index) => entry(`r${index}`, created.tokenHash));
    expect(await spend.insertBatch(batch)).toEqual({ inserted: 1200, skipped: 0 });
    // A retried batch counts nothing twice.
    expect(await spend.insertBatch(batch.slice(0, 10))).toEqual({ inserted: 0, skipped: 10 });
    expect(await spend.globalSpend()).toMatchObject({ requests: 1200, spend: 600 });
    expect((await keys.findByHash("hash-a"))?.spend).toBe(600);
    expect(await spend.queryLogs({ requestId: "r7" })).toHaveLength(1);
  });

  it("writes off the main connection: a batch completes while a transaction holds that connection", async () => {
    const spend = new SqlSpendStore(database);
    // Written on the main connection, the batch would wait for this transaction, which waits for it.
    const inserted = await database.db.transaction().execute(async (transaction) => {
      await transaction.selectFrom("spend_logs").select("request_id").execute();
      const timeout = new Promise<string>((resolve) =>
        setTimeout(() => resolve("waited for the main connection"), 3000),
      );
      return Promise.race([spend.insertBatch([entry("during", "k")]), timeout]);
    });
    expect(inserted).toEqual({ inserted: 1, skipped: 0 });
  });

  it("fails a batch the database refuses, all or nothing, and writes the next one", async () => {
    const spend = new SqlSpendStore(database);
    const broken = [entry("ok-1", "k"), { ...entry("bad", "k"), status: null as unknown as "success" }];
    await expect(spend.insertBatch(broken)).rejects.toMatchObject({
      message: expect.stringMatching(/NOT NULL/i),
      code: "SQLITE_CONSTRAINT_NOTNULL",
    });
    expect(await spend.queryLogs({ requestId: "ok-1" })).toEqual([]);
    expect(await spend.insertBatch([entry("ok-2", "k")])).toEqual({ inserted: 1, skipped: 0 });
  });

  it("rejects the batch of a thread that died, starts a new thread for the next one, and refuses writes once closed", async () => {
    const path = join(directory, "later", "spend.db");
    const writer = new ThreadedSqliteSpendWriter(path);
    // The directory does not exist yet: the thread cannot open the file and dies.
    await expect(writer.write([toSpendLogRow(entry("first", "k"))])).rejects.toThrow();
    await mkdir(join(directory, "later"));
    const later = await openDatabase(`sqlite:${path}`, { configDir: directory });
    try {
      expect(await writer.write([toSpendLogRow(entry("second", "k"))])).toBe(1);
    } finally {
      await writer.close();
      await later.close();
    }
    await expect(writer.write([toSpendLogRow(entry("third", "k"))])).rejects.toThrow(/closed/);
  });
});
