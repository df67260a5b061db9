import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, testDialects } from "../../test/fakes/test-databases.js";
import type { Database } from "./database.js";
import { MemoryResponseStore } from "./memory-response-store.js";
import type { ResponseStore, StoredResponse } from "./response-store.js";
import { SqlResponseStore } from "./sql-response-store.js";

function stored(id: string, apiKey: string | null): StoredResponse {
  return {
    responseId: id,
    apiKey,
    model: "group",
    status: "completed",
    response: {
      id,
      object: "response",
      output: [{ type: "message", content: [{ type: "output_text", text: "hé" }] }],
    },
    inputItems: [
      { id: "msg_1", type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    ],
    contextItems: [
      { id: "msg_0", type: "message", role: "user", content: [{ type: "input_text", text: "before" }] },
      { id: "msg_1", type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    ],
    createdAt: "2026-12-03T10:00:00.000Z",
  };
}

function behavesAsResponseStore(open: () => Promise<{ store: ResponseStore; close(): Promise<void> }>) {
  let store: ResponseStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await open());
  });
  afterEach(async () => {
    await close();
  });

  it("keeps a response with its items and owner, and finds it by id", async () => {
    await store.save(stored("resp_a", "hash-1"));
    expect(await store.find("resp_a")).toEqual(stored("resp_a", "hash-1"));
    expect(await store.find("resp_b")).toBeUndefined();
  });

  it("replaces a response saved again under its id", async () => {
    await store.save(stored("resp_a", null));
    await store.save({ ...stored("resp_a", null), status: "incomplete" });
    expect((await store.find("resp_a"))?.status).toBe("incomplete");
  });

  it("deletes a response once", async () => {
    await store.save(stored("resp_a", null));
    expect(await store.delete("resp_a")).toBe(true);
    expect(await store.delete("resp_a")).toBe(false);
    expect(await store.find("resp_a")).toBeUndefined();
  });
}

describe.each(testDialects)("SqlResponseStore on %s", (dialect) => {
  behavesAsResponseStore(async () => {
    const database: Database = await openTestDatabase(dialect);
    return { store: new SqlResponseStore(database.db), close: () => database.close() };
  });
});

describe("MemoryResponseStore", () => {
  behavesAsResponseStore(async () => ({ store: new MemoryResponseStore(), close: async () => {} }));

  it("hands out copies: changing a found response changes nothing stored", async () => {
    const store = new MemoryResponseStore();
    await store.save(stored("resp_a", null));
    const found = await store.find("resp_a");
    found?.inputItems.pop();
    expect((await store.find("resp_a"))?.inputItems).toHaveLength(1);
  });
});
