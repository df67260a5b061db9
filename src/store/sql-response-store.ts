import type { Kysely } from "kysely";
import { decodeJsonArray, decodeJsonObject, encodeJson } from "./codec.js";
import type { ResponseStore, StoredResponse } from "./response-store.js";
import type { ResponsesTable, StoreSchema } from "./schema.js";

function objects(text: string): Record<string, unknown>[] {
  return decodeJsonArray(text).filter(
    (item): item is Record<string, unknown> =>
      typeof item === "object" && item !== null && !Array.isArray(item),
  );
}

function toStoredResponse(row: ResponsesTable): StoredResponse {
  return {
    responseId: row.response_id,
    apiKey: row.api_key,
    model: row.model,
    status: row.status,
    response: decodeJsonObject(row.response),
    inputItems: objects(row.input_items),
    contextItems: objects(row.context_items),
    createdAt: row.created_at,
  };
}

/** Stored responses in the `responses` table (SQLite or PostgreSQL). */
export class SqlResponseStore implements ResponseStore {
  constructor(private readonly db: Kysely<StoreSchema>) {}

  async save(response: StoredResponse): Promise<void> {
    const row: ResponsesTable = {
      response_id: response.responseId,
      api_key: response.apiKey,
      model: response.model,
      status: response.status,
      response: encodeJson(response.response),
      input_items: encodeJson(response.inputItems),
      context_items: encodeJson(response.contextItems),
      created_at: response.createdAt,
    };
    const { response_id: _id, ...changes } = row;
    await this.db
      .insertInto("responses")
      .values(row)
      .onConflict((conflict) => conflict.column("response_id").doUpdateSet(changes))
      .execute();
  }

  async find(responseId: string): Promise<StoredResponse | undefined> {
    const row = await this.db
      .selectFrom("responses")
      .selectAll()
      .where("response_id", "=", responseId)
      .executeTakeFirst();
    return row === undefined ? undefined : toStoredResponse(row);
  }

  async delete(responseId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("responses")
      .where("response_id", "=", responseId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
