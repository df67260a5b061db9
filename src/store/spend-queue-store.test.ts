import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, testDialects } from "../../test/fakes/test-databases.js";
import type { Database } from "./database.js";
import { SpendQueue } from "./spend-queue.js";
import type { SpendLogEntry } from "./spend-store.js";
import { SqlKeyStore } from "./sql-key-store.js";
import { SqlSpendStore } from "./sql-spend-store.js";

function entry(index: number): SpendLogEntry {
  return {
    requestId: `r${index}`,
    callType: "acompletion",
    apiKey: "key-a",
    modelGroup: "gpt-4o",
    promptTokens: 10,
    completionTokens: 5,
    spend: 0.125,
    status: "success",
    startTime: "2025-03-01T10:00:00.000Z",
    endTime: "2025-03-01T10:00:00.250Z",
  };
}

describe.each(testDialects)("SpendQueue into SqlSpendStore on %s", (dialect) => {
  let database: Database;

  beforeEach(async () => {
    database = await openTestDatabase(dialect);
  });

  afterEach(async () => {
    await database.close();
  });

  it("loses nothing and counts nothing twice across a write outage", async () => {
    const keys = new SqlKeyStore(database.db);
    const spend = new SqlSpendStore(database);
    await keys.create({ tokenHash: "key-a" });
    const queue = new SpendQueue<SpendLogEntry>({
      write: (rows) => spend.insertBatch(rows),
      flushIntervalMs: 60_000,
      batchSize: 25,
      retryBaseMs: 20,
      retryMaxMs: 50,
    });

    for (let index = 0; index < 30; index += 1) queue.enqueue(entry(index));
    await queue.flush();
    // The outage: the table disappears, so every batch fails inside its transaction.
    await sql`alter table spend_logs rename to spend_logs_away`.execute(database.db);
    for (let index = 30; index < 100; index += 1) queue.enqueue(entry(index));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(queue.stats().failures).toBeGreaterThan(0);
    expect(queue.stats().queued).toBe(70);
    await sql`alter table spend_logs_away rename to spend_logs`.execute(database.db);

    expect(await queue.close()).toBe(0);
    expect(queue.stats()).toMatchObject({ queued: 0, written: 100, dropped: 0 });
    expect(await spend.globalSpend()).toEqual({
      spend: 12.5,
      promptTokens: 1000,
      completionTokens: 500,
      requests: 100,
    });
    expect((await keys.findByHash("key-a"))?.spend).toBe(12.5);
  });
});
